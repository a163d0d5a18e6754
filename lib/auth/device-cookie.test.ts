import { describe, expect, it } from "vitest";
import type { SessionCookie } from "@/lib/session";
import { deviceCookie, readDeviceCookie } from "./device-cookie";

const SECRET = "device-cookie-secret-0123456789-abcdefghijkl";
const SESSION: SessionCookie = {
  name: "__Host-session",
  value: "sealed",
  options: { httpOnly: true, sameSite: "lax", path: "/", secure: true, maxAge: 3600 },
};

describe("device cookie", () => {
  it("is read back for the account it was issued for, keeping its id across sign-ins", async () => {
    const first = await deviceCookie(SECRET, SESSION, "owner@example.test", undefined, "0");
    expect(first.name).toBe("__Host-session-device");
    expect(first.options).toEqual({ ...SESSION.options, maxAge: 365 * 86_400 });
    const id = await readDeviceCookie(SECRET, first.value, "owner@example.test", "0");
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const again = await deviceCookie(SECRET, SESSION, "owner@example.test", id, "0");
    expect(await readDeviceCookie(SECRET, again.value, "owner@example.test", "0")).toBe(id);
    expect(first.value, "the email is not in the cookie").not.toContain("owner");
  });

  it("stays persistent for a year when the session cookie is a browser-session cookie", async () => {
    const { maxAge: _maxAge, ...browserSession } = SESSION.options;
    const cookie = await deviceCookie(
      SECRET,
      { ...SESSION, options: browserSession },
      "owner@example.test",
      undefined,
      "0",
    );
    expect(cookie.options).toEqual({ ...browserSession, maxAge: 365 * 86_400 });
  });

  it("counts for nothing with another account, another secret, an edit or junk", async () => {
    const { value } = await deviceCookie(SECRET, SESSION, "owner@example.test", undefined, "0");
    expect(await readDeviceCookie(SECRET, value, "attacker@example.test", "0")).toBeUndefined();
    expect(
      await readDeviceCookie("another-secret-0123456789-abcdefghijklmno", value, "owner@example.test", "0"),
    ).toBeUndefined();
    const [body, signature] = value.split(".") as [string, string];
    const edited = Buffer.from(JSON.stringify({ a: "x", n: "A".repeat(22), c: "0" })).toString("base64url");
    expect(
      await readDeviceCookie(SECRET, `${edited}.${signature}`, "owner@example.test", "0"),
    ).toBeUndefined();
    for (const junk of [undefined, "", ".", `${body}.`, `${body}.${signature}.x`, "%%.%%", "x".repeat(600)]) {
      expect(
        await readDeviceCookie(SECRET, junk, "owner@example.test", "0"),
        `junk ${String(junk)}`,
      ).toBeUndefined();
    }
  });

  it("stops counting as known once the password changed (the credential version moved on)", async () => {
    const { value } = await deviceCookie(SECRET, SESSION, "owner@example.test", undefined, "3");
    expect(await readDeviceCookie(SECRET, value, "owner@example.test", "3")).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await readDeviceCookie(SECRET, value, "owner@example.test", "4")).toBeUndefined();
  });
});
