import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { checkNewPassword } from "./password-policy";

describe("new passwords (ASVS 6.2.4)", () => {
  it.each([
    "password123",
    "1234567890",
    "qwertyuiop",
    "iloveyou12",
    "Password123!",
    "monkey12345",
    "sunshine2024",
  ])("refuses the common password %s with a message that says why", async (password) => {
    const verdict = await checkNewPassword(password);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.message).toMatch(/^This password is too common or too easy to guess/);
  });

  it("refuses every one of the 10,000 most common passwords (the short ones by their length)", async () => {
    const { dictionary } = await import("@zxcvbn-ts/language-common");
    const top = dictionary["passwords-common"].slice(0, 10_000);
    expect(top.length).toBe(10_000);
    const accepted: string[] = [];
    for (const common of top) if ((await checkNewPassword(common)).ok) accepted.push(common);
    expect(accepted).toEqual([]);
  });

  it("refuses a password built from the account's own email", async () => {
    expect((await checkNewPassword("zorbatron1", "zorbatron@example.test")).ok).toBe(false);
    expect((await checkNewPassword("zorbatron1")).ok, "the same password for another account").toBe(true);
  });

  it("refuses too short or too long, and accepts a long unusual phrase", async () => {
    expect(await checkNewPassword("Xq7#vR2")).toEqual({
      ok: false,
      reason: "weak_password",
      message: "Use at least 10 characters",
    });
    expect((await checkNewPassword("x".repeat(201))).ok).toBe(false);
    expect(await checkNewPassword("correct horse battery")).toEqual({ ok: true });
    expect(await checkNewPassword("velvet-otter-42-lantern")).toEqual({ ok: true });
  });
});

describe("the password dictionaries stay out of the Edge middleware", () => {
  it("middleware.ts never imports password-policy.ts or zxcvbn, directly or through its imports", () => {
    const root = resolve(__dirname, "../..");
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, "utf8");
      for (const [, specifier = ""] of source.matchAll(/(?:import|export)[^;]*?from\s+"([^"]+)"/g)) {
        expect(specifier, `${file} imports ${specifier}`).not.toMatch(/zxcvbn|password-policy/);
        if (!specifier.startsWith(".") && !specifier.startsWith("@/")) continue;
        const base = specifier.startsWith("@/")
          ? join(root, specifier.slice(2))
          : join(dirname(file), specifier);
        for (const candidate of [`${base}.ts`, `${base}.tsx`, join(base, "index.ts")]) {
          try {
            readFileSync(candidate);
          } catch {
            continue;
          }
          visit(candidate);
          break;
        }
      }
    };
    visit(join(root, "middleware.ts"));
    expect(seen.size, "the walk must reach the kit").toBeGreaterThan(10);
  });
});
