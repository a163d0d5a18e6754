import { describe, expect, it } from "vitest";
import { cleanupSessions, type CleanupReport } from "@/lib/session/cleanup";
import { metricsKeys, userKeys } from "@/lib/session/keys";
import { testRedis } from "@/tests/support/redis";
import { signIn, testKit, type TestKit } from "./session-fixtures";

const FAKE_HASH = "f".repeat(64);

async function allKeys(prefix: string): Promise<string[]> {
  const redis = testRedis();
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, { match: `${prefix}*`, count: 1000 });
    keys.push(...batch);
    cursor = String(next);
  } while (cursor !== "0");
  return keys;
}

function run(t: TestKit, extra: { batchSize?: number } = {}): Promise<CleanupReport> {
  return cleanupSessions({ redis: testRedis(), config: t.kit.config, now: t.clock.now, ...extra });
}

/** Damage a cleanup must repair: dead index entries, a record, a marker, an index and a metric key without TTL. */
async function damage(t: TestKit, user: string): Promise<void> {
  const redis = testRedis();
  const keys = userKeys(t.prefix, user);
  const kept = await signIn(t.kit, user);
  const revoked = await signIn(t.kit, user);
  await t.kit.revokeSession(user, revoked.id);
  await redis.zadd(keys.index, { score: Date.now(), member: FAKE_HASH });
  const list = await t.kit.listUserSessions(user);
  if (!list.ok || list.sessions.length !== 1) throw new Error("setup: expected one live session");
  // PERSIST every key of the user: the live record, the marker and the index lose their TTL.
  for (const key of await allKeys(`${t.prefix}{${user}}`)) await redis.persist(key);
  await redis.zadd(keys.index, { score: Date.now(), member: FAKE_HASH });
  await redis.set(`${metricsKeys(t.prefix).totals}`, "x");
  void kept;
}

describe("sessions cleanup", () => {
  it("prunes dead index entries, fixes keys without TTL, leaves live sessions alone and is idempotent", async () => {
    const t = testKit({ maxSessionsPerUser: 3 });
    const user = "cleanup-a";
    await damage(t, user);
    await testRedis().set(`${t.prefix}stray`, "left alone");
    await testRedis().lpush(userKeys(t.prefix, user).log, "1|sign_in||{}");

    const progress: CleanupReport[] = [];
    const first = await cleanupSessions({
      redis: testRedis(),
      config: t.kit.config,
      now: t.clock.now,
      batchSize: 2,
      onProgress: (report) => progress.push(report),
    });
    expect(first.complete).toBe(true);
    expect(first.prunedIndexEntries, "the fake member").toBe(1);
    expect(first.recordsWithoutTtl).toBe(1);
    expect(first.reindexedSessions, "the live session never left its index").toBe(0);
    expect(first.markersWithoutTtl).toBe(1);
    expect(first.indexesWithoutTtl).toBe(1);
    expect(first.otherUserKeysWithoutTtl, "the activity log").toBe(1);
    expect(first.metricKeysWithoutTtl).toBe(1);
    expect(first.unknownKeys).toBe(1);
    expect(first.unknownKeysWithoutTtl).toBe(1);
    expect(progress.length, "progress after every SCAN batch").toBeGreaterThan(1);

    const redis = testRedis();
    for (const key of await allKeys(t.prefix)) {
      if (key === `${t.prefix}stray`) continue;
      expect(await redis.pttl(key), `${key} has a TTL`).toBeGreaterThan(0);
    }
    const list = await t.kit.listUserSessions(user);
    expect(list.ok && list.sessions.length, "the live session survived").toBe(1);

    const second = await run(t);
    expect(second).toMatchObject({
      prunedIndexEntries: 0,
      recordsWithoutTtl: 0,
      markersWithoutTtl: 0,
      indexesWithoutTtl: 0,
      otherUserKeysWithoutTtl: 0,
      metricKeysWithoutTtl: 0,
      deadValuesDeleted: 0,
      reindexedSessions: 0,
      complete: true,
    });
  });

  it("puts a live session missing from its index back, and deletes a dead record that had no TTL", async () => {
    const t = testKit();
    const user = "cleanup-b";
    const redis = testRedis();
    const keys = userKeys(t.prefix, user);
    await signIn(t.kit, user);
    const orphanHash = (await redis.zrange(keys.index, 0, -1))[0] as string;
    await redis.zrem(keys.index, orphanHash);
    await redis.set(keys.session("e".repeat(64)), "1:1:1:0:dead:{}");

    const report = await run(t);
    expect(report.reindexedSessions).toBe(1);
    expect(report.deadValuesDeleted).toBe(1);
    expect(await redis.zscore(keys.index, orphanHash)).not.toBeNull();
    expect(await redis.exists(keys.session("e".repeat(64)))).toBe(0);
  });

  it("is safe while users sign in: the cap holds, every new session validates, nothing is left without TTL", async () => {
    const t = testKit({ maxSessionsPerUser: 3 });
    const users = Array.from({ length: 8 }, (_, i) => `cleanup-race-${i}`);
    for (const user of users.slice(0, 2)) await damage(t, user);
    // The damaged users' older sessions are older than every new one (the fake clock otherwise ties them all).
    t.clock.advanceSeconds(1);

    const signIns = users.flatMap((user) => Array.from({ length: 8 }, () => user));
    const results: { user: string; cookie: string }[] = [];
    const sweeps: Promise<CleanupReport>[] = [];
    await Promise.all([
      ...signIns.map(async (user, i) => {
        if (i % 16 === 0) sweeps.push(run(t, { batchSize: 5 }));
        const created = await t.kit.createSession({ userId: user, device: { userAgent: "race" } });
        if (!created.ok) throw new Error(`sign-in failed: ${created.reason}`);
        results.push({ user, cookie: created.cookie.value });
      }),
      run(t, { batchSize: 3 }),
    ]);
    await Promise.all(sweeps);

    for (const user of users) {
      const list = await t.kit.listUserSessions(user);
      expect(list.ok && list.sessions.length, `${user}: exactly the cap of live sessions`).toBe(3);
    }
    // The last sign-in of each user is one of its live sessions: the cleanup removed nothing live.
    const live = await Promise.all(results.map((r) => t.kit.validateSessionToken(r.cookie)));
    expect(live.filter((r) => r.ok).length, "live sessions = 8 users × cap 3").toBe(24);
    for (const r of live) if (!r.ok) expect(r.reason, "only evictions sign anyone out").toBe("evicted");

    const final = await run(t);
    expect(final).toMatchObject({
      recordsWithoutTtl: 0,
      markersWithoutTtl: 0,
      indexesWithoutTtl: 0,
      reindexedSessions: 0,
      complete: true,
    });
    const redis = testRedis();
    for (const key of await allKeys(t.prefix)) {
      expect(await redis.pttl(key), `${key} has a TTL`).toBeGreaterThan(0);
    }
  });
});
