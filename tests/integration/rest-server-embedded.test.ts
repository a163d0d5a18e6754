/**
 * The embedded engine (ioredis-mock + shim), as `startStack({ embedded: true })` serves it when no
 * redis-server exists: basic commands, transactions and scripts through the real client.
 */
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createSessionKit } from "@/lib/session";
import { type Stack, startStack } from "../../scripts/stack";

describe("embedded engine", () => {
  let stack: Stack;
  let redis: Redis;
  beforeAll(async () => {
    stack = await startStack({ embedded: true, quiet: true });
    redis = new Redis({ url: stack.restUrl, token: stack.restToken, enableTelemetry: false });
  });
  afterAll(async () => {
    await stack.stop();
  });

  it("is announced as the embedded kind", () => {
    expect(stack.kind).toBe("embedded");
    expect(stack.redisUrl).toBeUndefined();
  });

  it("runs strings, hashes, sorted sets and TTLs", async () => {
    expect(await redis.set("s", "😀", { px: 60_000 })).toBe("OK");
    expect(await redis.get("s")).toBe("😀");
    expect(await redis.pttl("s")).toBeGreaterThan(50_000);
    expect(await redis.getex("s", { px: 5_000 })).toBe("😀");
    expect(await redis.pttl("s")).toBeLessThanOrEqual(5_000);
    expect(await redis.hset("h", { a: 1, b: false })).toBe(2);
    expect(await redis.hgetall("h")).toEqual({ a: 1, b: false });
    expect(await redis.zadd("z", { score: 2, member: "b" }, { score: 1, member: "a" })).toBe(2);
    expect(await redis.zrange("z", 0, -1, { withScores: true })).toEqual(["a", 1, "b", 2]);
    expect(await redis.type("h")).toBe("hash");
    expect(await redis.ping()).toBe("PONG");
    expect(await redis.pfadd("p", "x", "y")).toBe(1);
    expect(await redis.pfcount("p")).toBe(2);
  });

  it("runs transactions and pipelines", async () => {
    const tx = redis.multi();
    tx.incr("n");
    tx.get("n");
    expect(await tx.exec()).toEqual([1, 1]);
    const pipeline = redis.pipeline();
    pipeline.incr("n");
    pipeline.get("n");
    expect(await pipeline.exec()).toEqual([2, 2]);
  });

  it("runs scripts through EVALSHA with the NOSCRIPT → EVAL fallback", async () => {
    const script = redis.createScript<string>(
      "redis.call('SET', KEYS[1], ARGV[1]); return redis.call('GET', KEYS[1])",
    );
    expect(await redis.scriptExists(script.sha1)).toEqual([0]);
    await expect(script.evalsha(["k"], ["v0"])).rejects.toThrow(
      "NOSCRIPT No matching script. Please use EVAL.",
    );
    expect(await script.exec(["k"], ["v1"])).toBe("v1");
    expect(await redis.scriptExists(script.sha1)).toEqual([1]);
    expect(await script.evalsha(["k"], ["v2"])).toBe("v2");
    expect(await redis.scriptFlush()).toBe("OK");
    expect(await script.exec(["k"], ["v3"])).toBe("v3");
  });

  it("runs the session kit's scripts: what `npm run dev` without Redis relies on", async () => {
    const kit = createSessionKit({
      redis: new Redis({
        url: stack.restUrl,
        token: stack.restToken,
        enableTelemetry: false,
        automaticDeserialization: false,
      }),
      env: { SESSION_SECRET: "embedded-secret-0123456789-abcdefghijklmnop" },
      activity: true,
    });
    const device = { userAgent: "Mozilla/5.0 (embedded)", browser: "Firefox", os: "Linux" };
    const laptop = await kit.createSession({ userId: "embedded-user", device });
    const phone = await kit.createSession({ userId: "embedded-user", device: { ...device, os: "Android" } });
    if (!laptop.ok || !phone.ok) throw new Error("sign-in failed on the embedded engine");

    const listed = await kit.validateAndListSessions(laptop.cookie.value, { activityLimit: 5 });
    expect(listed.ok && listed.listing.sessions.map((s) => s.id).sort()).toEqual(
      [laptop.session.id, phone.session.id].sort(),
    );
    expect(listed.ok && listed.listing.activity?.length).toBe(2);
    expect(await kit.revokeSession("embedded-user", phone.session.id)).toEqual({ ok: true, revoked: true });
    expect(await kit.validateAndListSessions(phone.cookie.value)).toEqual({ ok: false, reason: "revoked" });
    const after = await kit.listUserSessions("embedded-user");
    expect(after.ok && after.sessions.map((s) => s.id)).toEqual([laptop.session.id]);
  });

  // WRONGTYPE inside a pipeline is proved on real Redis (session-coalesce.test.ts): ioredis-mock's GET of a list
  // does not fail.
  it("serves coalesced validations: GETs share a /pipeline, each keeping its own verdict", async () => {
    const kit = createSessionKit({
      redis: new Redis({
        url: stack.restUrl,
        token: stack.restToken,
        enableTelemetry: false,
        automaticDeserialization: false,
      }),
      env: { SESSION_SECRET: "embedded-secret-0123456789-abcdefghijklmnop" },
    });
    const device = { userAgent: "Mozilla/5.0 (embedded)", browser: "Firefox", os: "Linux" };
    const users = Array.from({ length: 12 }, (_, i) => `coalesce-${i}`);
    const cookies: string[] = [];
    for (const user of users) {
      const created = await kit.createSession({ userId: user, device });
      if (!created.ok) throw new Error("sign-in failed on the embedded engine");
      cookies.push(created.cookie.value);
      if (user === "coalesce-3") await kit.revokeUserSessions(user);
    }
    await Promise.all(cookies.map((cookie) => kit.validateSessionToken(cookie)));
    const fetches = vi.spyOn(globalThis, "fetch");
    const results = await Promise.all(cookies.map((cookie) => kit.validateSessionToken(cookie)));
    const verdicts = results.map((r) => (r.ok ? r.session.userId : r.reason));
    const expected = users.map((u) => (u === "coalesce-3" ? "revoked" : u));
    expect(verdicts).toEqual(expected);
    expect(fetches.mock.calls.length, "12 GETs in fewer requests").toBeLessThan(4);
    vi.restoreAllMocks();
  });

  it("refuses the same commands as the Redis engine", async () => {
    await expect(redis.exec(["BLPOP", "k", "0"])).rejects.toThrow(/^ERR blocking command/);
  });
});
