/**
 * lib/auth users against real Redis (through the REST server), under a random key prefix.
 * lib/auth reads its environment on first use, so setting it in beforeAll is early enough.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createUser, findUserByEmail, getUserById, updatePasswordHash } from "@/lib/auth/users";
import { randomPrefix } from "../support/redis";

beforeAll(() => {
  vi.stubEnv("AUTH_KEY_PREFIX", randomPrefix("auth-users"));
});

// Forked workers run several files: leave no environment behind for the next one.
afterAll(() => {
  vi.unstubAllEnvs();
});

describe("users in Redis", () => {
  it("creates a user and finds it by email, case-insensitively", async () => {
    const created = await createUser({ email: "  Ada@Example.TEST ", passwordHash: "scrypt$x" });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    expect(created.user.email).toBe("ada@example.test");

    const found = await findUserByEmail("ADA@example.test");
    expect(found).toEqual({ ok: true, user: created.user });
    expect(await getUserById(created.user.id)).toEqual({ ok: true, user: created.user });
  });

  it("lets exactly one of many concurrent sign-ups claim an email", async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        createUser({ email: index % 2 === 0 ? "race@example.test" : "RACE@example.test", passwordHash: "h" }),
      ),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok && result.reason === "email_taken")).toHaveLength(11);
  });

  it("returns null for an unknown email or id", async () => {
    expect(await findUserByEmail("nobody@example.test")).toEqual({ ok: true, user: null });
    expect(await getUserById("00000000-0000-0000-0000-000000000000")).toEqual({ ok: true, user: null });
  });

  it("updates the password hash of an existing user only", async () => {
    const created = await createUser({ email: "change@example.test", passwordHash: "old" });
    if (!created.ok) throw new Error("setup: createUser failed");
    expect(await updatePasswordHash(created.user.id, "new")).toEqual({ ok: true, updated: true });
    const after = await getUserById(created.user.id);
    expect(after.ok && after.user?.passwordHash).toBe("new");
    expect(await updatePasswordHash("missing-user", "new")).toEqual({ ok: true, updated: false });
  });
});
