import { describe, expect, it } from "vitest";
import { Redis } from "@upstash/redis";
import { createSessionKit, type SessionCookie } from "@/lib/session";
import { deviceCookie, readDeviceCookie } from "./device-cookie";

// Signing needs no store: a client that is never called.
const unused = new Redis({ url: "http://127.0.0.1:9", token: "unused" });
const kitWith = (secret: string) => createSessionKit({ redis: unused, env: { SESSION_SECRET: secret } });
const KIT = kitWith("device-cookie-secret-0123456789-abcdefghijkl");
const SESSION: SessionCookie = {
  name: "__Host-session",
  value: "sealed",
  options: { httpOnly: true, sameSite: "lax", path: "/", secure: true, maxAge: 3600 },
};

describe("device cookie", () => {
  it("is read back for the account it was issued for, keeping its id across sign-ins", async () => {
    const first = await deviceCookie(KIT, SESSION, "owner@example.test", undefined, "0");
    expect(first.name).toBe("__Host-session-device");
    expect(first.options).toEqual({ ...SESSION.options, maxAge: 365 * 86_400 });
    const id = await readDeviceCookie(KIT, first.value, "owner@example.test", "0");
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const again = await deviceCookie(KIT, SESSION, "owner@example.test", id, "0");
    expect(await readDeviceCookie(KIT, again.value, "owner@example.test", "0")).toBe(id);
    expect(first.value, "the email is not in the cookie").not.toContain("owner");
  });

  it("stays persistent for a year when the session cookie is a browser-session cookie", async () => {
    const { maxAge: _maxAge, ...browserSession } = SESSION.options;
    const cookie = await deviceCookie(
      KIT,
      { ...SESSION, options: browserSession },
      "owner@example.test",
      undefined,
      "0",
    );
    expect(cookie.options).toEqual({ ...browserSession, maxAge: 365 * 86_400 });
  });

  it("counts for nothing with another account, another secret, an edit or junk", async () => {
    const { value } = await deviceCookie(KIT, SESSION, "owner@example.test", undefined, "0");
    expect(await readDeviceCookie(KIT, value, "attacker@example.test", "0")).toBeUndefined();
    expect(
      await readDeviceCookie(
        kitWith("another-secret-0123456789-abcdefghijklmno"),
        value,
        "owner@example.test",
        "0",
      ),
    ).toBeUndefined();
    const [body, signature] = value.split(".") as [string, string];
    const edited = Buffer.from(JSON.stringify({ a: "x", n: "A".repeat(22), c: "0" })).toString("base64url");
    expect(await readDeviceCookie(KIT, `${edited}.${signature}`, "owner@example.test", "0")).toBeUndefined();
    for (const junk of [undefined, "", ".", `${body}.`, `${body}.${signature}.x`, "%%.%%", "x".repeat(600)]) {
      expect(
        await readDeviceCookie(KIT, junk, "owner@example.test", "0"),
        `junk ${String(junk)}`,
      ).toBeUndefined();
    }
  });

  it("stops counting as known once the password changed (the credential version moved on)", async () => {
    const { value } = await deviceCookie(KIT, SESSION, "owner@example.test", undefined, "3");
    expect(await readDeviceCookie(KIT, value, "owner@example.test", "3")).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await readDeviceCookie(KIT, value, "owner@example.test", "4")).toBeUndefined();
  });
});

describe("kit.signer", () => {
  it("keeps the secret out of kit.config and refuses the kit's own purposes", () => {
    expect(Object.keys(KIT.config)).not.toContain("secret");
    expect(Object.keys(KIT.config)).not.toContain("previousSecrets");
    expect(JSON.stringify(KIT.config)).not.toContain("device-cookie-secret");
    expect(() => KIT.signer("lib/session:handoff:v3")).toThrow(/^session: signer\(purpose\)/);
    expect(() => KIT.signer("")).toThrow(/^session: signer\(purpose\)/);
  });

  it("gives each purpose its own key", async () => {
    const token = await KIT.signer("test:a:v1").sign({ x: 1 });
    expect(await KIT.signer("test:a:v1").open(token, 512)).toEqual({ x: 1 });
    expect(await KIT.signer("test:b:v1").open(token, 512)).toBeNull();
  });
});
