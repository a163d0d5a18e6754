import { describe, expect, it } from "vitest";
import { hashPassword, verifyAgainstDummyHash, verifyPassword } from "./password";

describe("password hashing", () => {
  it("encodes scrypt with its parameters (N=2^17, r=8, p=1) and a random salt", async () => {
    const [first, second] = await Promise.all([hashPassword("correct horse"), hashPassword("correct horse")]);
    expect(first).toMatch(/^scrypt\$17\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/);
    expect(second, "same password, different salt, different hash").not.toBe(first);
  });

  it("verifies the right password and rejects a wrong one", async () => {
    const hash = await hashPassword("correct horse");
    expect(await verifyPassword("correct horse", hash)).toBe(true);
    expect(await verifyPassword("correct horsE", hash)).toBe(false);
    expect(await verifyPassword("", hash)).toBe(false);
  });

  it("treats malformed or out-of-bounds hashes as a mismatch, not an exception", async () => {
    const hash = await hashPassword("pw");
    const parts = hash.split("$");
    const tampered = [
      "",
      "plain-text",
      "bcrypt$2b$10$abc",
      hash.replace("scrypt$17$", "scrypt$30$"),
      [...parts.slice(0, 5), ""].join("$"),
      hash.slice(0, -4),
    ];
    for (const value of tampered) {
      expect(await verifyPassword("pw", value), `hash ${JSON.stringify(value.slice(0, 30))}`).toBe(false);
    }
  });

  it("queues derivations beyond the concurrency cap instead of failing or hanging", async () => {
    const hashes = await Promise.all(Array.from({ length: 5 }, (_, index) => hashPassword(`pw-${index}`)));
    expect(new Set(hashes).size).toBe(5);
    expect(await verifyPassword("pw-4", hashes[4] ?? "")).toBe(true);
  });

  it("the dummy verification for unknown emails always fails, and costs one full derivation", async () => {
    const real = await hashPassword("pw");
    const started = performance.now();
    await verifyPassword("pw", real);
    const realMs = performance.now() - started;
    const dummyStarted = performance.now();
    expect(await verifyAgainstDummyHash("anything")).toBe(false);
    const dummyMs = performance.now() - dummyStarted;
    expect(dummyMs, `dummy ${dummyMs.toFixed(0)} ms vs real ${realMs.toFixed(0)} ms`).toBeGreaterThan(
      realMs / 3,
    );
  });
});
