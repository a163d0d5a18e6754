import { describe, expect, it } from "vitest";
import { indexedSessionKeys, liveSessionKeys, signIn, testKit, userId } from "./session-fixtures";

describe("concurrency", () => {
  it("200 concurrent sign-ins with a cap of 3 leave exactly 3 live sessions, all indexed", async () => {
    const { kit, prefix } = testKit({ maxSessionsPerUser: 3, capPolicy: "evict-oldest" });
    const user = userId();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        kit.createSession({ userId: user, device: { userAgent: `d${i}` } }),
      ),
    );
    expect(
      results.filter((r) => !r.ok),
      "every sign-in succeeds under evict-oldest",
    ).toEqual([]);
    const live = await liveSessionKeys(`${prefix}*:s:*`);
    expect(live.length, "live session keys").toBe(3);
    expect(await indexedSessionKeys(prefix, user), "the index holds exactly the live sessions").toEqual(live);
    const evicted = results.reduce((sum, r) => sum + (r.ok ? r.evicted : 0), 0);
    expect(evicted, "each sign-in past the third evicted exactly one").toBe(197);
  });

  it("200 concurrent sign-ins under reject-new admit exactly 3", async () => {
    const { kit, prefix } = testKit({ maxSessionsPerUser: 3, capPolicy: "reject-new" });
    const user = userId();
    const results = await Promise.all(
      Array.from({ length: 200 }, () => kit.createSession({ userId: user, device: { userAgent: "d" } })),
    );
    expect(results.filter((r) => r.ok).length).toBe(3);
    expect(results.filter((r) => !r.ok && r.reason === "limit_reached").length).toBe(197);
    expect(await indexedSessionKeys(prefix, user)).toEqual(await liveSessionKeys(`${prefix}*:s:*`));
  });

  it("sign out everywhere racing sign-ins leaves no live session outside the index", async () => {
    const { kit, prefix } = testKit({ maxSessionsPerUser: 1000 });
    const user = userId();
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 60; i++) {
      work.push(kit.createSession({ userId: user, device: { userAgent: `d${i}` } }));
      if (i % 6 === 0) work.push(kit.revokeUserSessions(user));
    }
    await Promise.all(work);
    const live = await liveSessionKeys(`${prefix}*:s:*`);
    expect(await indexedSessionKeys(prefix, user), "index = live sessions").toEqual(live);
    await kit.revokeUserSessions(user);
    expect(
      await liveSessionKeys(`${prefix}*:s:*`),
      "a final sign out everywhere reaches every session",
    ).toEqual([]);
  });

  it("a touch racing a revoke never resurrects the session", async () => {
    const { kit, clock } = testKit({ maxSessionsPerUser: 1000 });
    const user = userId();
    const sessions = await Promise.all(Array.from({ length: 40 }, () => signIn(kit, user)));
    clock.advanceSeconds(120);
    await Promise.all(
      sessions.flatMap((s, i) =>
        i % 2 === 0
          ? [kit.touchSession(s.cookie), kit.revokeSession(user, s.id)]
          : [kit.revokeSession(user, s.id), kit.touchSession(s.cookie)],
      ),
    );
    for (const s of sessions) {
      expect(await kit.validateSessionToken(s.cookie), `session ${s.id}`).toEqual({
        ok: false,
        reason: "revoked",
      });
    }
    // Touching a revoked session afterwards is a no-op too.
    clock.advanceSeconds(120);
    expect(await kit.touchSession(sessions[0]!.cookie)).toEqual({ ok: true, touched: false });
    expect(await kit.validateSessionToken(sessions[0]!.cookie)).toEqual({ ok: false, reason: "revoked" });
  });
});
