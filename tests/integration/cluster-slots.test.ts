/**
 * Runs only against the Redis Cluster stack (tests/vitest.cluster.config.ts): the REST server refuses what a
 * cluster refuses, so the rest of the suite passing there means the kit's scripts and the app's multi-key
 * operations are slot-safe, not that the server is lenient.
 */
import { describe, expect, it } from "vitest";
import { userKeys } from "@/lib/session/keys";
import { keySlot } from "@/scripts/upstash-rest/engine-cluster";
import { rawRequest } from "@/tests/support/rest";
import { randomPrefix, stackKind, testRedis } from "@/tests/support/redis";

const CROSSSLOT = "CROSSSLOT Keys in request don't hash to the same slot";
const onCluster = stackKind() === "redis-cluster";

describe.runIf(onCluster)("Redis Cluster behind the REST server", () => {
  it("has three primaries that own different slots of the test keys", async () => {
    const nodes = (process.env.TEST_REDIS_CLUSTER_NODES ?? "").split(",");
    expect(nodes, "TEST_REDIS_CLUSTER_NODES").toHaveLength(3);
    const prefix = randomPrefix("cluster");
    const slots = new Set(["a", "b", "c", "d", "e", "f"].map((k) => keySlot(`${prefix}${k}`)));
    expect(slots.size, "six plain keys spread over slots").toBeGreaterThan(1);
  });

  it("refuses a transaction whose keys span slots, with Redis's CROSSSLOT text and nothing written", async () => {
    const prefix = randomPrefix("cluster");
    const [a, b] = [`${prefix}a`, `${prefix}b`];
    expect(keySlot(a)).not.toBe(keySlot(b));
    const reply = await rawRequest("/multi-exec", [
      ["SET", a, "1"],
      ["SET", b, "2"],
    ]);
    expect(reply.status).toBe(400);
    expect(reply.json()).toEqual({ error: CROSSSLOT });
    expect(await testRedis().exists(a, a)).toBe(0);
  });

  it("runs a transaction whose keys share a hash tag", async () => {
    const tag = `{${randomPrefix("cluster")}}`;
    const reply = await rawRequest("/multi-exec", [
      ["SET", `${tag}a`, "1"],
      ["INCR", `${tag}a`],
    ]);
    expect(reply.status).toBe(200);
    expect(reply.json()).toEqual([{ result: "OK" }, { result: 2 }]);
  });

  it("passes a script's CROSSSLOT through, and runs one whose keys share a tag", async () => {
    const redis = testRedis();
    const prefix = randomPrefix("cluster");
    await expect(redis.eval("return 1", [`${prefix}a`, `${prefix}b`], [])).rejects.toThrow(CROSSSLOT);
    const tag = `{${prefix}}`;
    expect(
      await redis.eval(
        "redis.call('SET', KEYS[1], 'x'); return redis.call('GET', KEYS[2])",
        [`${tag}a`, `${tag}a`],
        [],
      ),
    ).toBe("x");
  });

  it("routes each command of a pipeline to its own slot's primary, in order", async () => {
    const redis = testRedis();
    const prefix = randomPrefix("cluster");
    const keys = Array.from({ length: 12 }, (_, i) => `${prefix}${i}`);
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.set(key, key).get(key);
    const replies = await pipeline.exec();
    expect(replies).toEqual(keys.flatMap((key) => ["OK", key]));
    expect(new Set(keys.map(keySlot)).size).toBeGreaterThan(3);
  });

  it("SCAN visits every primary: each key once", async () => {
    const redis = testRedis();
    const prefix = randomPrefix("cluster");
    const keys = Array.from({ length: 60 }, (_, i) => `${prefix}${i}`);
    await Promise.all(keys.map((key) => redis.set(key, 1)));
    const seen: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await redis.scan(cursor, { match: `${prefix}*`, count: 10 });
      cursor = String(next);
      seen.push(...batch);
    } while (cursor !== "0");
    expect(seen.sort()).toEqual([...keys].sort());
  });

  it("keeps every key of one user in one slot, whatever the user id contains", () => {
    for (const user of ["alice", "{bob}", "}{", "a:b}c{d", "ünï©ødé", "x".repeat(256)]) {
      const keys = userKeys("session:", user);
      const slots = new Set([keys.index, keys.session("00ff"), keys.session("abcd")].map(keySlot));
      expect(slots.size, `keys of ${JSON.stringify(user)}`).toBe(1);
    }
  });
});

describe.skipIf(onCluster)("Redis Cluster suite", () => {
  it("runs only with TEST_REDIS_CLUSTER=1 (tests/vitest.cluster.config.ts)", () => {
    expect(onCluster).toBe(false);
  });
});
