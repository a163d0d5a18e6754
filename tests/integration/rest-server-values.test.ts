/**
 * Conformance of the local REST server with the real @upstash/redis client, in all four modes
 * (auto-pipelining on/off × base64 on/off), checked against the same keys read or written
 * directly through ioredis.
 */
import type { Redis as IORedis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directRedis, randomPrefix, testRedis } from "../support/redis";

const MODES = [
  { autoPipelining: true, base64: true },
  { autoPipelining: true, base64: false },
  { autoPipelining: false, base64: true },
  { autoPipelining: false, base64: false },
] as const;

const STRINGS = [
  "plain",
  "unicode: żółć — 日本語",
  "emoji 😀👍🏽",
  "",
  "YmFy",
  "OK",
  "8",
  "PONG",
  '{"a":[1,"x"],"b":null}',
  "line\nbreak\ttab",
];

let direct: IORedis;
beforeAll(() => {
  direct = directRedis();
});
afterAll(async () => {
  await direct.quit();
});

describe.each(MODES)("REST server with autoPipelining=$autoPipelining base64=$base64", (mode) => {
  const raw = testRedis({ ...mode, deserialize: false });
  const redis = testRedis(mode);

  it("returns every string byte-exact, written through REST or directly", async () => {
    const prefix = randomPrefix("values");
    for (const [index, value] of STRINGS.entries()) {
      await raw.set(`${prefix}rest:${index}`, value);
      await direct.set(`${prefix}direct:${index}`, value);
    }
    for (const [index, value] of STRINGS.entries()) {
      expect(
        (await direct.getBuffer(`${prefix}rest:${index}`))?.toString("utf8"),
        `stored ${JSON.stringify(value)}`,
      ).toBe(value);
      expect(await raw.get(`${prefix}direct:${index}`), `read ${JSON.stringify(value)}`).toBe(value);
    }
  });

  it("applies the client's JSON deserialisation to '8', 'OK', JSON text and objects", async () => {
    const prefix = randomPrefix("deser");
    await direct.set(`${prefix}eight`, "8");
    await direct.set(`${prefix}ok`, "OK");
    await direct.set(`${prefix}json`, '{"a":1}');
    await redis.set(`${prefix}obj`, { nested: { list: [1, "two"] }, flag: false });
    expect(await redis.get(`${prefix}eight`)).toBe(8);
    expect(await redis.get(`${prefix}ok`)).toBe("OK");
    expect(await redis.get(`${prefix}json`)).toEqual({ a: 1 });
    expect(await redis.get(`${prefix}obj`)).toEqual({ nested: { list: [1, "two"] }, flag: false });
    expect(await direct.get(`${prefix}obj`)).toBe('{"nested":{"list":[1,"two"]},"flag":false}');
  });

  it("returns nil as null and integers as numbers", async () => {
    const prefix = randomPrefix("ints");
    expect(await redis.get(`${prefix}missing`)).toBeNull();
    expect(await redis.incr(`${prefix}n`)).toBe(1);
    expect(await redis.incrby(`${prefix}n`, 41)).toBe(42);
    expect(await redis.decrby(`${prefix}n`, 50)).toBe(-8);
    expect(await direct.get(`${prefix}n`)).toBe("-8");
    expect(await redis.exists(`${prefix}n`, `${prefix}missing`)).toBe(1);
    expect(await redis.del(`${prefix}n`, `${prefix}missing`)).toBe(1);
  });

  it("answers status replies (PING, TYPE, SET) as their text", async () => {
    const prefix = randomPrefix("status");
    expect(await redis.ping()).toBe("PONG");
    expect(await redis.set(`${prefix}s`, "v")).toBe("OK");
    await redis.hset(`${prefix}h`, { f: "v" });
    await redis.rpush(`${prefix}l`, "a");
    expect(await redis.type(`${prefix}s`)).toBe("string");
    expect(await redis.type(`${prefix}h`)).toBe("hash");
    expect(await redis.type(`${prefix}l`)).toBe("list");
    expect(await redis.type(`${prefix}none`)).toBe("none");
  });

  it("stores and reads hashes like Redis does (booleans as true/false)", async () => {
    const prefix = randomPrefix("hash");
    const key = `${prefix}h`;
    expect(await redis.hset(key, { name: "Ada 😀", count: 3, active: false, empty: "" })).toBe(4);
    expect(await direct.hgetall(key)).toEqual({ name: "Ada 😀", count: "3", active: "false", empty: "" });
    expect(await redis.hgetall(key)).toEqual({ name: "Ada 😀", count: 3, active: false, empty: "" });
    expect(await redis.hget(key, "name")).toBe("Ada 😀");
    expect(await redis.hincrby(key, "count", 2)).toBe(5);
    expect(await redis.hdel(key, "empty", "missing")).toBe(1);
    expect(await redis.hgetall(`${prefix}missing`)).toBeNull();
  });

  it("handles sets", async () => {
    const prefix = randomPrefix("set");
    const key = `${prefix}s`;
    expect(await redis.sadd(key, "a", "b", "😀")).toBe(3);
    expect(await redis.sadd(key, "a")).toBe(0);
    expect((await redis.smembers(key)).sort()).toEqual((await direct.smembers(key)).sort());
    expect(await redis.sismember(key, "😀")).toBe(1);
    expect(await redis.srem(key, "a")).toBe(1);
    expect(await redis.scard(key)).toBe(2);
  });

  it("handles sorted sets: ZADD, ZRANGE WITHSCORES, ZREMRANGEBYSCORE", async () => {
    const prefix = randomPrefix("zset");
    const key = `${prefix}z`;
    expect(
      await redis.zadd(
        key,
        { score: 1.5, member: "m1" },
        { score: 2, member: "m2" },
        { score: 3, member: "m3" },
      ),
    ).toBe(3);
    expect(await redis.zrange(key, 0, -1, { withScores: true })).toEqual(["m1", 1.5, "m2", 2, "m3", 3]);
    expect(await direct.zrange(key, 0, -1, "WITHSCORES")).toEqual(["m1", "1.5", "m2", "2", "m3", "3"]);
    expect(await redis.zscore(key, "m1")).toBe(1.5);
    expect(await redis.zremrangebyscore(key, 0, 2)).toBe(2);
    expect(await redis.zrange(key, 0, -1)).toEqual(["m3"]);
    expect(await redis.zcard(key)).toBe(1);
  });

  it("handles TTLs: SET PX/NX/XX, GETEX, PEXPIRE, PTTL", async () => {
    const prefix = randomPrefix("ttl");
    const key = `${prefix}k`;
    expect(await redis.set(key, "v1", { px: 60_000, nx: true })).toBe("OK");
    expect(await redis.set(key, "v2", { px: 60_000, nx: true })).toBeNull();
    expect(await redis.set(`${prefix}absent`, "v", { xx: true })).toBeNull();
    expect(await redis.set(key, "v3", { xx: true, px: 30_000 })).toBe("OK");
    const pttl = await redis.pttl(key);
    expect(pttl).toBeGreaterThan(25_000);
    expect(pttl).toBeLessThanOrEqual(30_000);
    expect(await redis.getex(key, { px: 90_000 })).toBe("v3");
    expect(await direct.pttl(key)).toBeGreaterThan(60_000);
    expect(await redis.pexpire(key, 5_000)).toBe(1);
    expect(await direct.pttl(key)).toBeLessThanOrEqual(5_000);
    expect(await redis.pttl(`${prefix}absent`)).toBe(-2);
    expect(await redis.get(key)).toBe("v3");
  });

  it("runs an explicit pipeline in order, keeping going after an error in the middle", async () => {
    const prefix = randomPrefix("pipe");
    const pipeline = raw.pipeline();
    pipeline.set(`${prefix}text`, "abc");
    pipeline.incr(`${prefix}text`);
    pipeline.set(`${prefix}after`, "ran");
    pipeline.get(`${prefix}text`);
    const results = await pipeline.exec({ keepErrors: true });
    expect(results.map((entry) => entry.error ?? null)).toEqual([
      null,
      "ERR value is not an integer or out of range",
      null,
      null,
    ]);
    expect(results.map((entry) => entry.result ?? null)).toEqual(["OK", null, "OK", "abc"]);
    expect(await direct.get(`${prefix}after`)).toBe("ran");

    const failing = raw.pipeline();
    failing.set(`${prefix}x`, "1");
    failing.hget(`${prefix}text`, "f");
    await expect(failing.exec()).rejects.toThrow("Command 2 [ hget ] failed: WRONGTYPE");
  });

  it("rejects only the failing command of an auto-pipelined batch", async () => {
    const prefix = randomPrefix("auto");
    await direct.set(`${prefix}text`, "abc");
    const [ok, failed, other] = await Promise.allSettled([
      redis.set(`${prefix}a`, "1"),
      redis.incr(`${prefix}text`),
      redis.set(`${prefix}b`, "2"),
    ]);
    expect(ok).toEqual({ status: "fulfilled", value: "OK" });
    expect(other).toEqual({ status: "fulfilled", value: "OK" });
    expect(failed.status).toBe("rejected");
    expect(String((failed as PromiseRejectedResult).reason)).toContain(
      "ERR value is not an integer or out of range",
    );
  });

  it("runs a transaction with a runtime error as per-entry results", async () => {
    const prefix = randomPrefix("tx");
    await direct.set(`${prefix}text`, "abc");
    const tx = raw.multi();
    tx.incr(`${prefix}n`);
    tx.incr(`${prefix}text`);
    tx.get(`${prefix}n`);
    const results = await tx.exec({ keepErrors: true });
    expect(results.map((entry) => entry.error ?? null)).toEqual([
      null,
      "ERR value is not an integer or out of range",
      null,
    ]);
    expect(results[0]?.result).toBe(1);
    expect(results[2]?.result).toBe("1");
  });

  it("rejects a whole transaction with a queue-time error and applies none of it", async () => {
    const prefix = randomPrefix("txabort");
    const tx = raw.multi();
    tx.set(`${prefix}never`, "x");
    // HSET with no field-value pairs is `["hset", key]`: Redis refuses it when queued.
    tx.hset(`${prefix}h`, {});
    await expect(tx.exec()).rejects.toThrow(/wrong number of arguments/);
    expect(await direct.exists(`${prefix}never`)).toBe(0);
  });

  it("runs scripts: createScript falls back from EVALSHA (NOSCRIPT) to EVAL and caches", async () => {
    const prefix = randomPrefix("script");
    // A never-seen source: its sha cannot be cached yet, so the first exec goes evalsha → NOSCRIPT → eval.
    const script = redis.createScript<[string, number]>(
      `-- ${prefix}\nredis.call('SET', KEYS[1], ARGV[1]); return {redis.call('GET', KEYS[1]), redis.call('INCR', KEYS[2])}`,
    );
    expect(await direct.script("EXISTS", script.sha1)).toEqual([0]);
    expect(await script.exec([`${prefix}k`, `${prefix}n`], ["hello"])).toEqual(["hello", 1]);
    expect(await direct.script("EXISTS", script.sha1)).toEqual([1]);
    expect(await script.exec([`${prefix}k`, `${prefix}n`], ["again"])).toEqual(["again", 2]);
    await expect(redis.evalsha("0000000000000000000000000000000000000000", [], [])).rejects.toThrow(
      "NOSCRIPT No matching script. Please use EVAL.",
    );
  });
});
