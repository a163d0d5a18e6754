import { describe, expect, it } from "vitest";
import { requireRecentAuthentication } from "@/lib/session";
import { redis, sessionKeyOf, signIn, testKit, ttlSeconds, userId } from "./session-fixtures";

describe("step-up re-authentication (sudo mode)", () => {
  it("a sign-in is a fresh authentication that lasts the window, and no longer", async () => {
    const { kit, clock } = testKit({ reauthWindowSeconds: 600 });
    const { cookie } = await signIn(kit, userId());
    const first = await kit.validateSessionToken(cookie);
    if (!first.ok) throw new Error(`validation failed: ${first.reason}`);
    expect(first.session.reauthAt, "a new session starts with reauthAt = createdAt").toBe(
      first.session.createdAt,
    );
    expect(kit.requireRecentAuthentication(first.session)).toEqual({ ok: true });
    clock.advanceSeconds(600);
    const later = await kit.validateSessionToken(cookie);
    if (!later.ok) throw new Error(`validation failed: ${later.reason}`);
    expect(kit.requireRecentAuthentication(later.session), "600 s after sign-in").toEqual({
      ok: false,
      reason: "reauth_required",
    });
  });

  it("markReauthenticated opens a new window on the live record, its expiry unchanged", async () => {
    const { kit, clock, prefix } = testKit({ reauthWindowSeconds: 600 });
    const { cookie } = await signIn(kit, userId());
    clock.advanceSeconds(900);
    const key = await sessionKeyOf(prefix, cookie);
    const marked = await kit.markReauthenticated(cookie);
    expect(marked.ok, "a live session can confirm").toBe(true);
    if (!marked.ok) return;
    expect(marked.session.reauthAt).toBe(clock.now());
    const leftSeconds = (marked.session.expiresAt - clock.now()) / 1000;
    expect(Math.abs((await ttlSeconds(key)) - leftSeconds), "TTL = the idle time left").toBeLessThan(2);
    const read = await kit.validateSessionToken(cookie);
    if (!read.ok) throw new Error(`validation failed: ${read.reason}`);
    expect(read.session.reauthAt, "the next validation's one GET carries it").toBe(clock.now());
    expect(kit.requireRecentAuthentication(read.session)).toEqual({ ok: true });
    clock.advanceSeconds(120);
    await kit.touchSession(cookie);
    const touched = await kit.validateSessionToken(cookie);
    if (!touched.ok) throw new Error(`validation failed: ${touched.reason}`);
    expect(touched.session.reauthAt, "a touch keeps the confirmation time").toBe(read.session.reauthAt);
  });

  it("one device's confirmation never lends sudo mode to another", async () => {
    const { kit, clock } = testKit({ reauthWindowSeconds: 60 });
    const user = userId();
    const a = await signIn(kit, user, { name: "Firefox A" });
    const b = await signIn(kit, user, { name: "Chrome B" });
    clock.advanceSeconds(120);
    expect((await kit.markReauthenticated(a.cookie)).ok).toBe(true);
    const other = await kit.validateSessionToken(b.cookie);
    if (!other.ok) throw new Error(`validation failed: ${other.reason}`);
    expect(kit.requireRecentAuthentication(other.session).ok, "B did not confirm").toBe(false);
  });

  it("markReauthenticated on a revoked session does not resurrect it, and says why", async () => {
    const { kit, prefix } = testKit();
    const user = userId();
    const keep = await signIn(kit, user, { name: "Firefox A" });
    const victim = await signIn(kit, user, { name: "Chrome B" });
    const key = await sessionKeyOf(prefix, victim.cookie);
    expect((await kit.revokeSession(user, victim.id)).ok).toBe(true);
    const marked = await kit.markReauthenticated(victim.cookie);
    expect(marked).toEqual({ ok: false, reason: "revoked" });
    expect(await redis.get(key), "the marker stays a marker").toBe("!revoked");
    const validated = await kit.validateSessionToken(victim.cookie);
    expect(validated).toEqual({ ok: false, reason: "revoked" });
    expect((await kit.validateSessionToken(keep.cookie)).ok, "the other device is untouched").toBe(true);
  });

  it("markReauthenticated racing a revoke never leaves a live record", async () => {
    const { kit, prefix } = testKit({ maxSessionsPerUser: 1000 });
    const user = userId();
    const sessions = await Promise.all(
      Array.from({ length: 30 }, (_, i) => signIn(kit, user, { name: `d${i}` })),
    );
    // Opened once, so each confirmation's first Redis call leaves at once and the revoke lands among them.
    await Promise.all(sessions.map((session) => kit.validateSessionToken(session.cookie)));
    await Promise.all([
      ...sessions.map((session) => kit.markReauthenticated(session.cookie)),
      kit.revokeUserSessions(user),
    ]);
    for (const session of sessions) {
      const value = await redis.get(await sessionKeyOf(prefix, session.cookie));
      expect(value, "every session ends as the revocation's marker").toBe("!revoked");
    }
  });

  it("a logged-out, expired, forged or missing cookie cannot confirm", async () => {
    const { kit, clock, prefix } = testKit({ idleTimeoutSeconds: 120, touchIntervalSeconds: 30 });
    const user = userId();
    const out = await signIn(kit, user);
    await kit.revokeCurrentSession(out.cookie);
    expect(await kit.markReauthenticated(out.cookie)).toEqual({ ok: false, reason: "expired" });
    expect(await redis.get(await sessionKeyOf(prefix, out.cookie)), "nothing written").toBeNull();
    const idle = await signIn(kit, user);
    clock.advanceSeconds(121);
    expect(await kit.markReauthenticated(idle.cookie)).toEqual({ ok: false, reason: "expired" });
    expect(await kit.markReauthenticated("garbage")).toEqual({ ok: false, reason: "malformed" });
    expect(await kit.markReauthenticated(undefined)).toEqual({ ok: false, reason: "missing" });
  });

  it("reads records written before reauthAt existed as authenticated at sign-in, and can mark them", async () => {
    const { kit, clock, prefix } = testKit({ reauthWindowSeconds: 600 });
    const { cookie } = await signIn(kit, userId(), { name: "Old" });
    const key = await sessionKeyOf(prefix, cookie);
    const stored = String(await redis.get(key));
    const legacy = stored.replace(/\{"reauthAt":\d+,/, "{");
    expect(legacy, "the record as an older kit wrote it").not.toContain("reauthAt");
    await redis.set(key, legacy, { px: 60_000 });
    const read = await kit.validateSessionToken(cookie);
    if (!read.ok) throw new Error(`legacy record rejected: ${read.reason}`);
    expect(read.session.reauthAt).toBeUndefined();
    expect(kit.requireRecentAuthentication(read.session).ok, "counts from createdAt").toBe(true);
    clock.advanceSeconds(700);
    const marked = await kit.markReauthenticated(cookie);
    expect(marked.ok && marked.session.reauthAt).toBe(clock.now());
  });

  it("with the revalidate window on, the confirmation comes back in a fresh cookie", async () => {
    const { kit, clock } = testKit({ revalidateAfterSeconds: 30, reauthWindowSeconds: 60 });
    const { cookie } = await signIn(kit, userId());
    clock.advanceSeconds(120);
    const marked = await kit.markReauthenticated(cookie);
    if (!marked.ok || marked.cookie === undefined) throw new Error("expected a re-sealed cookie");
    const fromSnapshot = await kit.validateSessionToken(marked.cookie.value);
    if (!fromSnapshot.ok) throw new Error(`validation failed: ${fromSnapshot.reason}`);
    expect(kit.requireRecentAuthentication(fromSnapshot.session)).toEqual({ ok: true });
  });
});

describe("requireRecentAuthentication (pure)", () => {
  const session = { createdAt: 1_000_000, reauthAt: 2_000_000 };
  it("counts from reauthAt, else from createdAt, and refuses at the window's end", () => {
    expect(requireRecentAuthentication(session, 10, 2_009_999)).toEqual({ ok: true });
    expect(requireRecentAuthentication(session, 10, 2_010_000)).toEqual({
      ok: false,
      reason: "reauth_required",
    });
    expect(requireRecentAuthentication({ createdAt: 1_000_000 }, 10, 1_009_999)).toEqual({ ok: true });
    expect(requireRecentAuthentication({ createdAt: 1_000_000 }, 10, 1_010_000).ok).toBe(false);
    expect(requireRecentAuthentication({ createdAt: Number.NaN }, 10, 1).ok).toBe(false);
  });
  it("throws on a window that is not whole seconds", () => {
    expect(() => requireRecentAuthentication(session, 0, 1)).toThrow(/^session: /);
    expect(() => requireRecentAuthentication(session, 1.5, 1)).toThrow(/^session: /);
  });
});

describe("relabelUserSessions", () => {
  it("relabels every live session of the user in one step, and nothing else", async () => {
    const { kit } = testKit();
    const user = userId();
    const other = userId("other");
    const a = await kit.createSession({
      userId: user,
      label: "old@example.test",
      device: { userAgent: 'x","label":"y' },
    });
    const b = await kit.createSession({ userId: user, device: { userAgent: "no label" } });
    const c = await kit.createSession({
      userId: other,
      label: "old@example.test",
      device: { userAgent: "z" },
    });
    const revoked = await kit.createSession({
      userId: user,
      label: "old@example.test",
      device: { userAgent: "r" },
    });
    if (!a.ok || !b.ok || !c.ok || !revoked.ok) throw new Error("sign-in failed");
    await kit.revokeSession(user, revoked.session.id);
    expect(await kit.relabelUserSessions(user, 'new"@example.test')).toEqual({ ok: true, relabeled: 2 });
    for (const cookie of [a.cookie.value, b.cookie.value]) {
      const read = await kit.validateSessionToken(cookie);
      if (!read.ok) throw new Error(`validation failed: ${read.reason}`);
      expect(read.session.label).toBe('new"@example.test');
    }
    const first = await kit.validateSessionToken(a.cookie.value);
    expect(first.ok && first.session.device.userAgent, "a label-like user agent is left alone").toBe(
      'x","label":"y',
    );
    const untouched = await kit.validateSessionToken(c.cookie.value);
    expect(untouched.ok && untouched.session.label, "another user's session").toBe("old@example.test");
    expect(await kit.validateSessionToken(revoked.cookie.value)).toEqual({ ok: false, reason: "revoked" });
  });
});
