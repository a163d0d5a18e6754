import { describe, expect, it } from "vitest";
import { SECRET, device, sessionKeyOf, signIn, testKit, ttlSeconds, userId } from "./session-fixtures";
import { buildCookie } from "@/lib/session/cookie";

async function sessionTtlSeconds(prefix: string, cookie: string): Promise<number> {
  return ttlSeconds(await sessionKeyOf(prefix, cookie));
}

describe("session lifecycle", () => {
  it("a new session validates, with the device and both expiry times", async () => {
    const { kit, clock } = testKit();
    const user = userId();
    const start = clock.now();
    const created = await kit.createSession({ userId: user, device: { userAgent: "UA", browser: "Safari" } });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    expect(created.cookie.options, "a browser-session cookie: no Max-Age without remember me").toEqual({
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      secure: false,
    });
    expect(created.session).toMatchObject({
      userId: user,
      createdAt: start,
      lastActiveAt: start,
      expiresAt: start + 1_800_000,
      absoluteExpiresAt: start + 86_400_000,
      remember: false,
      device: { userAgent: "UA", browser: "Safari" },
    });

    const result = await kit.validateSessionToken(created.cookie.value);
    expect(result).toEqual({ ok: true, session: created.session, touchDue: false });
  });

  it("a label given at sign-in comes back with every validation and survives a touch, never in the cookie", async () => {
    const { kit, clock } = testKit();
    const created = await kit.createSession({ userId: userId(), device: device(), label: "ada@example.com" });
    if (!created.ok) throw new Error("createSession failed");
    expect(created.cookie.value).not.toContain("ada@example.com");
    clock.advanceSeconds(120);
    const due = await kit.validateSessionToken(created.cookie.value);
    expect(due.ok && due.session.label).toBe("ada@example.com");
    expect(await kit.touchSession(created.cookie.value)).toEqual({ ok: true, touched: true });
    const after = await kit.validateSessionToken(created.cookie.value);
    expect(after.ok && after.session.label).toBe("ada@example.com");
  });

  it("repeat validations of one cookie still see a revocation at once (opened cookies are cached, liveness never)", async () => {
    const { kit } = testKit();
    const user = userId();
    const created = await kit.createSession({ userId: user, device: device() });
    if (!created.ok) throw new Error("createSession failed");
    for (let i = 0; i < 3; i += 1)
      expect((await kit.validateSessionToken(created.cookie.value)).ok).toBe(true);
    expect(await kit.revokeSession(user, created.session.id)).toEqual({ ok: true, revoked: true });
    expect(await kit.validateSessionToken(created.cookie.value)).toEqual({ ok: false, reason: "revoked" });
  });

  it("refuses a label longer than 512 characters with a prefixed error", async () => {
    const { kit } = testKit();
    await expect(
      kit.createSession({ userId: userId(), device: device(), label: "x".repeat(513) }),
    ).rejects.toThrow(/^session: createSession label/);
  });

  it("the Redis TTL starts at the idle timeout", async () => {
    const { kit, prefix } = testKit();
    const { cookie } = await signIn(kit, userId());
    const ttl = await sessionTtlSeconds(prefix, cookie);
    expect(ttl).toBeGreaterThan(1795);
    expect(ttl).toBeLessThanOrEqual(1800);
  });

  it("is signed out as expired after the idle timeout without activity", async () => {
    const { kit, clock } = testKit();
    const { cookie } = await signIn(kit, userId());
    clock.advanceSeconds(1799);
    expect((await kit.validateSessionToken(cookie)).ok, "one second before idle timeout").toBe(true);
    clock.advanceSeconds(1);
    expect(await kit.validateSessionToken(cookie)).toEqual({ ok: false, reason: "expired" });
  });

  it("stays signed in while active, and the touch slides the idle timeout", async () => {
    const { kit, clock } = testKit();
    const { cookie } = await signIn(kit, userId());
    for (let i = 0; i < 5; i++) {
      clock.advanceSeconds(1500);
      const result = await kit.validateSessionToken(cookie);
      expect(result.ok && result.touchDue, `request ${i} should be valid with a touch due`).toBe(true);
      expect(await kit.touchSession(cookie)).toEqual({ ok: true, touched: true });
    }
    const result = await kit.validateSessionToken(cookie);
    expect(result.ok && result.session.lastActiveAt).toBe(clock.now());
  });

  it("is signed out at the absolute lifetime even when active", async () => {
    const { kit, clock } = testKit({ idleTimeoutSeconds: 600, absoluteLifetimeSeconds: 1000 });
    const { cookie } = await signIn(kit, userId());
    clock.advanceSeconds(500);
    expect(await kit.touchSession(cookie)).toEqual({ ok: true, touched: true });
    const touched = await kit.validateSessionToken(cookie);
    expect(touched.ok && touched.session.expiresAt, "idle expiry capped by absolute").toBe(
      touched.ok ? touched.session.absoluteExpiresAt : -1,
    );
    clock.advanceSeconds(499);
    expect((await kit.validateSessionToken(cookie)).ok).toBe(true);
    clock.advanceSeconds(1);
    expect(await kit.validateSessionToken(cookie)).toEqual({ ok: false, reason: "expired" });
    expect(await kit.touchSession(cookie), "touch cannot extend past the absolute lifetime").toEqual({
      ok: true,
      touched: false,
    });
  });

  it("keeps the Redis TTL at min(idle left, absolute left)", async () => {
    const { kit, clock, prefix } = testKit({ idleTimeoutSeconds: 600, absoluteLifetimeSeconds: 1000 });
    const { cookie } = await signIn(kit, userId());
    expect(await sessionTtlSeconds(prefix, cookie), "fresh: idle left").toBeCloseTo(600, -1);
    clock.advanceSeconds(300);
    await kit.touchSession(cookie);
    expect(await sessionTtlSeconds(prefix, cookie), "touched at 300 s: idle left (600)").toBeCloseTo(600, -1);
    clock.advanceSeconds(400);
    await kit.touchSession(cookie);
    expect(await sessionTtlSeconds(prefix, cookie), "touched at 700 s: absolute left (300)").toBeCloseTo(
      300,
      -1,
    );
  });

  it("touches at most once per touch interval", async () => {
    const { kit, clock } = testKit({ touchIntervalSeconds: 60 });
    const { cookie } = await signIn(kit, userId());
    clock.advanceSeconds(59);
    const early = await kit.validateSessionToken(cookie);
    expect(early.ok && early.touchDue, "not due at 59 s").toBe(false);
    expect(await kit.touchSession(cookie), "touch refuses when not due").toEqual({
      ok: true,
      touched: false,
    });
    clock.advanceSeconds(1);
    const due = await kit.validateSessionToken(cookie);
    expect(due.ok && due.touchDue, "due at 60 s").toBe(true);
    expect(await kit.touchSession(cookie)).toEqual({ ok: true, touched: true });
    expect(await kit.touchSession(cookie), "a second touch right after is a no-op").toEqual({
      ok: true,
      touched: false,
    });
  });

  it("remember me uses the long profile: 7 days idle, 30 days absolute, and a 30-day cookie", async () => {
    const { kit, clock, prefix } = testKit();
    const result = await kit.createSession({ userId: userId(), device: { userAgent: "UA" }, remember: true });
    if (!result.ok) throw new Error(result.reason);
    expect(result.cookie.options.maxAge).toBe(30 * 86_400);
    expect(result.session.remember).toBe(true);
    expect(await sessionTtlSeconds(prefix, result.cookie.value)).toBeCloseTo(7 * 86_400, -1);
    clock.advanceSeconds(3 * 86_400);
    expect((await kit.validateSessionToken(result.cookie.value)).ok, "3 idle days are fine").toBe(true);
    expect(await kit.touchSession(result.cookie.value)).toEqual({ ok: true, touched: true });
    expect(await sessionTtlSeconds(prefix, result.cookie.value), "touch uses the remember idle").toBeCloseTo(
      7 * 86_400,
      -1,
    );
    clock.advanceSeconds(7 * 86_400);
    expect(await kit.validateSessionToken(result.cookie.value)).toEqual({ ok: false, reason: "expired" });
  });

  it("without remember me the cookie is a browser-session cookie, also when re-sealed; with it, persistent", async () => {
    const { kit, clock } = testKit({ revalidateAfterSeconds: 30 });
    const plain = await kit.createSession({ userId: userId(), device: device() });
    const remembered = await kit.createSession({ userId: userId(), device: device(), remember: true });
    if (!plain.ok || !remembered.ok) throw new Error("createSession failed");
    expect(plain.cookie.options, "no Max-Age: the browser drops it when it closes").not.toHaveProperty(
      "maxAge",
    );
    expect(plain.cookie.options).not.toHaveProperty("expires");
    expect(remembered.cookie.options.maxAge, "remember me: persistent for its absolute lifetime").toBe(
      30 * 86_400,
    );

    clock.advanceSeconds(31);
    const resealedPlain = await kit.validateSessionToken(plain.cookie.value);
    const resealedRemembered = await kit.validateSessionToken(remembered.cookie.value);
    if (!resealedPlain.ok || resealedPlain.cookie === undefined) throw new Error("expected a re-seal");
    if (!resealedRemembered.ok || resealedRemembered.cookie === undefined)
      throw new Error("expected a re-seal");
    expect(resealedPlain.cookie.options, "a re-seal keeps it a browser-session cookie").not.toHaveProperty(
      "maxAge",
    );
    expect(resealedRemembered.cookie.options.maxAge).toBe(30 * 86_400 - 31);
    expect(buildCookie(kit.config, "", 0).options.maxAge, "clearing still sets Max-Age=0").toBe(0);
  });

  it("logout deletes the session without a marker, and the index forgets it", async () => {
    const { kit } = testKit();
    const user = userId();
    const { cookie } = await signIn(kit, user);
    expect(await kit.revokeCurrentSession(cookie)).toEqual({ ok: true });
    expect(await kit.validateSessionToken(cookie)).toEqual({ ok: false, reason: "expired" });
    expect(await kit.listUserSessions(user)).toEqual({ ok: true, sessions: [] });
    expect(await kit.revokeCurrentSession("garbage"), "logout with a junk cookie is a no-op").toEqual({
      ok: true,
    });
  });

  it("signing in again from the same browser replaces its previous session (no fixation, no orphan)", async () => {
    const { kit } = testKit();
    const user = userId();
    const first = await signIn(kit, user);
    const second = await signIn(kit, user, { replaceCookie: first.cookie });
    expect(await kit.validateSessionToken(first.cookie)).toEqual({ ok: false, reason: "expired" });
    expect((await kit.validateSessionToken(second.cookie)).ok).toBe(true);
    const list = await kit.listUserSessions(user);
    expect(list.ok && list.sessions.map((s) => s.id)).toEqual([second.id]);
  });

  it("signing in as another user from the same browser signs out the previous user's session", async () => {
    const { kit } = testKit();
    const alice = userId("alice");
    const bob = userId("bob");
    const first = await signIn(kit, alice);
    await signIn(kit, bob, { replaceCookie: first.cookie });
    expect(await kit.validateSessionToken(first.cookie)).toEqual({ ok: false, reason: "expired" });
    expect(await kit.listUserSessions(alice)).toEqual({ ok: true, sessions: [] });
  });

  it("with the revalidate window on, a re-sealed cookie skips Redis until the window ends", async () => {
    const { kit, clock } = testKit({ revalidateAfterSeconds: 30 });
    const user = userId();
    const created = await kit.createSession({ userId: user, device: { userAgent: "UA" } });
    if (!created.ok) throw new Error(created.reason);
    const cookie = created.cookie.value;
    await kit.revokeUserSessions(user);

    clock.advanceSeconds(29);
    const inside = await kit.validateSessionToken(cookie);
    expect(inside.ok, "inside the window the revocation is not seen yet (documented lag)").toBe(true);
    expect(inside.ok && inside.cookie, "no re-seal without a Redis check").toBeUndefined();

    clock.advanceSeconds(1);
    expect(await kit.validateSessionToken(cookie), "window over: Redis says revoked").toEqual({
      ok: false,
      reason: "revoked",
    });
  });

  it("with the revalidate window on, a Redis validation returns a re-sealed cookie for the next window", async () => {
    const { kit, clock } = testKit({ revalidateAfterSeconds: 30 });
    const { cookie } = await signIn(kit, userId(), { remember: true });
    clock.advanceSeconds(31);
    const checked = await kit.validateSessionToken(cookie);
    if (!checked.ok || checked.cookie === undefined) throw new Error("expected a re-sealed cookie");
    expect(checked.cookie.value).not.toBe(cookie);
    expect(checked.cookie.options.maxAge, "Max-Age shrinks with the absolute lifetime left").toBe(
      30 * 86_400 - 31,
    );
    clock.advanceSeconds(10);
    const fromCookie = await kit.validateSessionToken(checked.cookie.value);
    expect(fromCookie.ok && fromCookie.cookie, "inside the new window: no Redis, no re-seal").toBeUndefined();
    expect(fromCookie.ok).toBe(true);
  });

  it("after a secret rotation, existing sessions stay signed in and new cookies use the new secret", async () => {
    const before = testKit();
    const { cookie } = await signIn(before.kit, userId());
    const NEW_SECRET = "rotated-secret-0123456789-abcdefghijklmn";
    const rotated = testKit(
      { keyPrefix: before.prefix },
      { clock: before.clock, env: { SESSION_SECRET: NEW_SECRET, SESSION_SECRET_PREVIOUS: SECRET } },
    );
    expect((await rotated.kit.validateSessionToken(cookie)).ok, "old cookie, new secret").toBe(true);
    const fresh = await signIn(rotated.kit, userId());
    expect(await before.kit.validateSessionToken(fresh.cookie), "old secret cannot read new cookies").toEqual(
      {
        ok: false,
        reason: "malformed",
      },
    );
    const dropped = testKit({ keyPrefix: before.prefix }, { env: { SESSION_SECRET: NEW_SECRET } });
    expect(await dropped.kit.validateSessionToken(cookie), "previous secret removed").toEqual({
      ok: false,
      reason: "malformed",
    });
  });
});
