import { describe, expect, it } from "vitest";
import { redis, sessionKeyOf, signIn, testKit, ttlSeconds, userId } from "./session-fixtures";

describe("per-user cap", () => {
  it("evict-oldest: the fourth sign-in signs out the oldest device, which learns it was evicted", async () => {
    const { kit, clock } = testKit({ maxSessionsPerUser: 3, capPolicy: "evict-oldest" });
    const user = userId();
    const devices = [];
    for (const name of ["one", "two", "three"]) {
      devices.push(await signIn(kit, user, { name }));
      clock.advanceSeconds(1);
    }
    // Activity does not change who is oldest: the index is ordered by creation time.
    await kit.touchSession(devices[0]!.cookie);
    const fourth = await kit.createSession({ userId: user, device: { userAgent: "four" } });
    expect(fourth.ok && fourth.evicted).toBe(1);
    expect(await kit.validateSessionToken(devices[0]!.cookie)).toEqual({ ok: false, reason: "evicted" });
    for (const d of devices.slice(1)) expect((await kit.validateSessionToken(d.cookie)).ok).toBe(true);
    const list = await kit.listUserSessions(user);
    expect(list.ok && list.sessions.length).toBe(3);
  });

  it("reject-new: a sign-in beyond the cap is refused and nobody is signed out", async () => {
    const { kit } = testKit({ maxSessionsPerUser: 2, capPolicy: "reject-new" });
    const user = userId();
    const a = await signIn(kit, user);
    const b = await signIn(kit, user);
    expect(await kit.createSession({ userId: user, device: { userAgent: "c" } })).toEqual({
      ok: false,
      reason: "limit_reached",
    });
    expect((await kit.validateSessionToken(a.cookie)).ok).toBe(true);
    expect((await kit.validateSessionToken(b.cookie)).ok).toBe(true);
    await kit.revokeCurrentSession(a.cookie);
    expect((await kit.createSession({ userId: user, device: { userAgent: "c" } })).ok, "a free slot").toBe(
      true,
    );
  });

  it("reject-new still lets the same browser sign in again over its own session", async () => {
    const { kit } = testKit({ maxSessionsPerUser: 1, capPolicy: "reject-new" });
    const user = userId();
    const a = await signIn(kit, user);
    const again = await kit.createSession({
      userId: user,
      device: { userAgent: "a" },
      replaceCookie: a.cookie,
    });
    expect(again.ok).toBe(true);
  });

  it("cap 1 means single device: a new sign-in evicts the other device", async () => {
    const { kit } = testKit({ maxSessionsPerUser: 1 });
    const user = userId();
    const laptop = await signIn(kit, user, { name: "laptop" });
    const phone = await signIn(kit, user, { name: "phone" });
    expect(await kit.validateSessionToken(laptop.cookie)).toEqual({ ok: false, reason: "evicted" });
    expect((await kit.validateSessionToken(phone.cookie)).ok).toBe(true);
  });

  it("expired sessions do not count towards the cap", async () => {
    const { kit, clock } = testKit({ maxSessionsPerUser: 2, capPolicy: "reject-new" });
    const user = userId();
    await signIn(kit, user);
    await signIn(kit, user);
    clock.advanceSeconds(1801);
    expect((await kit.createSession({ userId: user, device: { userAgent: "c" } })).ok).toBe(true);
    const list = await kit.listUserSessions(user);
    expect(list.ok && list.sessions.length).toBe(1);
  });

  it("the cap counts per user: other users' sessions never evict mine", async () => {
    const { kit } = testKit({ maxSessionsPerUser: 1 });
    const alice = userId("alice");
    const a = await signIn(kit, alice);
    await signIn(kit, userId("bob"));
    expect((await kit.validateSessionToken(a.cookie)).ok).toBe(true);
  });
});

describe("listing and revoking devices", () => {
  it("lists sessions newest activity first, with public ids that are neither token nor hash", async () => {
    const { kit, clock } = testKit({ maxSessionsPerUser: 5 });
    const user = userId();
    const a = await signIn(kit, user, { name: "a" });
    clock.advanceSeconds(10);
    const b = await signIn(kit, user, { name: "b" });
    clock.advanceSeconds(10);
    const c = await signIn(kit, user, { name: "c" });
    clock.advanceSeconds(100);
    await kit.touchSession(a.cookie);

    const list = await kit.listUserSessions(user);
    if (!list.ok) throw new Error("unavailable");
    expect(list.sessions.map((s) => s.id)).toEqual([a.id, c.id, b.id]);
    for (const s of list.sessions) {
      expect(s.id).toMatch(/^[A-Za-z0-9_-]{21}$/);
      expect(a.cookie).not.toContain(s.id);
    }
  });

  it("revoking by public id signs that device out with reason revoked", async () => {
    const { kit } = testKit();
    const user = userId();
    const laptop = await signIn(kit, user);
    const phone = await signIn(kit, user);
    expect(await kit.revokeSession(user, phone.id)).toEqual({ ok: true, revoked: true });
    expect(await kit.validateSessionToken(phone.cookie)).toEqual({ ok: false, reason: "revoked" });
    expect((await kit.validateSessionToken(laptop.cookie)).ok).toBe(true);
    expect(await kit.revokeSession(user, phone.id), "revoking twice").toEqual({ ok: true, revoked: false });
  });

  it("a user cannot revoke another user's session by its public id", async () => {
    const { kit } = testKit();
    const alice = userId("alice");
    const mallory = userId("mallory");
    const aliceSession = await signIn(kit, alice);
    await signIn(kit, mallory);
    expect(await kit.revokeSession(mallory, aliceSession.id)).toEqual({ ok: true, revoked: false });
    expect((await kit.validateSessionToken(aliceSession.cookie)).ok).toBe(true);
  });

  it("revoking with a malformed public id is a no-op", async () => {
    const { kit } = testKit();
    const user = userId();
    await signIn(kit, user);
    expect(await kit.revokeSession(user, "*")).toEqual({ ok: true, revoked: false });
    const list = await kit.listUserSessions(user);
    expect(list.ok && list.sessions.length).toBe(1);
  });

  it("sign out other devices keeps this one and marks the others revoked", async () => {
    const { kit } = testKit();
    const user = userId();
    const here = await signIn(kit, user);
    const others = [await signIn(kit, user), await signIn(kit, user)];
    expect(await kit.revokeOtherSessions(user, here.cookie)).toEqual({ ok: true, revoked: 2 });
    expect((await kit.validateSessionToken(here.cookie)).ok).toBe(true);
    for (const o of others)
      expect(await kit.validateSessionToken(o.cookie)).toEqual({ ok: false, reason: "revoked" });
  });

  it("sign out other devices throws when given another user's cookie (a bug in the caller)", async () => {
    const { kit } = testKit();
    const alice = await signIn(kit, userId("alice"));
    await expect(kit.revokeOtherSessions(userId("bob"), alice.cookie)).rejects.toThrow(
      /^session: revokeOtherSessions/,
    );
  });

  it("sign out everywhere revokes every session with the given reason and drops the index", async () => {
    const { kit } = testKit();
    const user = userId();
    const a = await signIn(kit, user);
    const b = await signIn(kit, user);
    expect(await kit.revokeUserSessions(user, "password_changed")).toEqual({ ok: true, revoked: 2 });
    expect(await kit.validateSessionToken(a.cookie)).toEqual({ ok: false, reason: "password_changed" });
    expect(await kit.validateSessionToken(b.cookie)).toEqual({ ok: false, reason: "password_changed" });
    expect(await kit.listUserSessions(user)).toEqual({ ok: true, sessions: [] });
    expect(await kit.revokeUserSessions(user)).toEqual({ ok: true, revoked: 0 });
  });

  it("rotation on password change: the new session survives, every other one learns password_changed", async () => {
    const { kit } = testKit();
    const user = userId();
    const current = await signIn(kit, user);
    const other = await signIn(kit, user);
    const rotated = await signIn(kit, user, { replaceCookie: current.cookie, revokeOtherSessions: true });
    expect(await kit.validateSessionToken(current.cookie), "old cookie of this browser").toEqual({
      ok: false,
      reason: "expired",
    });
    expect(await kit.validateSessionToken(other.cookie)).toEqual({ ok: false, reason: "password_changed" });
    expect((await kit.validateSessionToken(rotated.cookie)).ok).toBe(true);
    const list = await kit.listUserSessions(user);
    expect(list.ok && list.sessions.map((s) => s.id)).toEqual([rotated.id]);
  });

  it("a revocation marker is short-lived and never outlives the session's absolute lifetime", async () => {
    const { kit, prefix } = testKit({ markerTtlSeconds: 60 });
    const user = userId();
    const a = await signIn(kit, user);
    await kit.revokeUserSessions(user);
    expect(await kit.validateSessionToken(a.cookie)).toEqual({ ok: false, reason: "revoked" });
    const ttl = await ttlSeconds(await sessionKeyOf(prefix, a.cookie));
    expect(ttl).toBeGreaterThan(55);
    expect(ttl).toBeLessThanOrEqual(60);

    const short = testKit({ idleTimeoutSeconds: 120, absoluteLifetimeSeconds: 200 });
    const b = await signIn(short.kit, user);
    short.clock.advanceSeconds(100);
    await short.kit.revokeUserSessions(user);
    const markerTtl = await ttlSeconds(await sessionKeyOf(short.prefix, b.cookie));
    expect(markerTtl, "100 s of absolute lifetime left").toBeCloseTo(100, -1);
  });

  it("a device whose marker has expired is told expired", async () => {
    const { kit, prefix } = testKit();
    const user = userId();
    const a = await signIn(kit, user);
    await kit.revokeUserSessions(user);
    await redis.del(await sessionKeyOf(prefix, a.cookie));
    expect(await kit.validateSessionToken(a.cookie)).toEqual({ ok: false, reason: "expired" });
  });
});

describe("misuse", () => {
  it("throws a prefixed error for an empty user id or an unknown revocation reason", async () => {
    const { kit } = testKit();
    await expect(kit.createSession({ userId: "", device: { userAgent: "UA" } })).rejects.toThrow(
      "session: createSession needs a userId string of 1-256 characters",
    );
    await expect(kit.listUserSessions("")).rejects.toThrow(/^session: listUserSessions/);
    await expect(kit.revokeUserSessions("u", "hacked" as "revoked")).rejects.toThrow(
      "session: revokeUserSessions reason must be one of revoked, password_changed, password_reset, admin_revoked, account_locked, signed_out_everyone",
    );
    await expect(kit.revokeSession("u", "abc", "evicted" as "revoked")).rejects.toThrow(
      "session: revokeSession reason must be one of revoked, admin_revoked",
    );
  });
});
