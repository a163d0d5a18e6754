/**
 * Transactions under concurrency, scripts after SCRIPT FLUSH, and behaviour while Redis is down
 * (a separate, stack-owned redis-server that this file stops and restarts).
 */
import { Redis } from "@upstash/redis";
import type { Redis as IORedis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, hasRedisServer, startStack } from "../../scripts/stack";
import { directRedis, randomPrefix, testRedis } from "../support/redis";
import { rawRequest } from "../support/rest";

let direct: IORedis;
beforeAll(() => {
  direct = directRedis();
});
afterAll(async () => {
  await direct.quit();
});

describe("transactions", () => {
  it("runs 50 concurrent transactions without interleaving", async () => {
    const redis = testRedis();
    const counter = `${randomPrefix("tx50")}counter`;
    const results = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const tx = redis.multi();
        tx.incr(counter);
        tx.get<string>(counter);
        tx.incr(counter);
        tx.get<string>(counter);
        return tx.exec();
      }),
    );
    for (const [first, firstRead, second, secondRead] of results) {
      expect(Number(firstRead), "GET right after INCR in the same transaction").toBe(first);
      expect(second, "second INCR follows the first with nothing in between").toBe(Number(first) + 1);
      expect(Number(secondRead)).toBe(second);
    }
    const seen = results.map(([first]) => Number(first)).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: 50 }, (_, index) => 2 * index + 1));
    expect(await direct.get(counter)).toBe("100");
  });

  it("keeps single commands and pipelines working while transactions hold leased connections", async () => {
    const redis = testRedis({ autoPipelining: false });
    const prefix = randomPrefix("mixed");
    const work: Array<Promise<unknown>> = [];
    for (let i = 0; i < 20; i += 1) {
      const tx = redis.multi();
      tx.incr(`${prefix}tx`);
      tx.incr(`${prefix}tx`);
      work.push(tx.exec());
      work.push(redis.incr(`${prefix}single`));
      const pipeline = redis.pipeline();
      pipeline.incr(`${prefix}pipe`);
      pipeline.get(`${prefix}pipe`);
      work.push(pipeline.exec());
    }
    await Promise.all(work);
    expect(await direct.mget(`${prefix}tx`, `${prefix}single`, `${prefix}pipe`)).toEqual(["40", "20", "20"]);
  });

  it("answers a rejected transaction with 400 {error} and the client throws", async () => {
    const prefix = randomPrefix("rejected");
    const reply = await rawRequest("/multi-exec", [
      ["set", `${prefix}k`, "v"],
      ["nosuchcommand", "x"],
    ]);
    expect(reply.status).toBe(400);
    expect((reply.json() as { error: string }).error).toMatch(/unknown command/);
    expect(await direct.exists(`${prefix}k`)).toBe(0);
  });
});

describe("scripts after SCRIPT FLUSH", () => {
  it("falls back from EVALSHA to EVAL in both client modes", async () => {
    for (const autoPipelining of [true, false]) {
      const redis = testRedis({ autoPipelining });
      const prefix = randomPrefix("flush");
      const script = redis.createScript<number>("return redis.call('INCRBY', KEYS[1], ARGV[1])");
      await script.exec([`${prefix}n`], ["2"]);
      expect(await redis.scriptExists(script.sha1)).toEqual([1]);
      expect(await redis.scriptFlush()).toBe("OK");
      expect(await redis.scriptExists(script.sha1)).toEqual([0]);
      await expect(script.evalsha([`${prefix}n`], ["1"])).rejects.toThrow(
        "NOSCRIPT No matching script. Please use EVAL.",
      );
      expect(await script.exec([`${prefix}n`], ["3"])).toBe(5);
      expect(await redis.scriptExists(script.sha1)).toEqual([1]);
      expect(await redis.scriptLoad("return 1")).toBe("e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
    }
  });
});

describe.skipIf(!hasRedisServer())("Redis outage", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ useRedisUrl: false, allowEmbedded: false });
  });
  afterAll(async () => {
    await stack.stop();
  });

  it("fails fast with 500 JSON while Redis is down and recovers, keeping the data", async () => {
    const client = new Redis({
      url: stack.restUrl,
      token: stack.restToken,
      enableTelemetry: false,
      retry: false,
    });
    const key = `${randomPrefix("outage")}session`;
    await client.set(key, { user: "ada" });
    await stack.stopRedis();

    const started = Date.now();
    const down = await rawRequest("/", ["get", key], { baseUrl: stack.restUrl, token: stack.restToken });
    expect(Date.now() - started, "answered quickly instead of hanging").toBeLessThan(2_000);
    expect(down.status).toBe(500);
    expect((down.json() as { error: string }).error).toMatch(/unreachable/);
    const downTx = await rawRequest("/multi-exec", [["get", key]], {
      baseUrl: stack.restUrl,
      token: stack.restToken,
    });
    expect(downTx.status).toBe(500);
    await expect(client.get(key)).rejects.toThrow(/unreachable/);

    await stack.startRedis();
    let value: unknown = undefined;
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      value = await client.get(key).catch(() => undefined);
      if (value !== undefined) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(value).toEqual({ user: "ada" });
    const tx = client.multi();
    tx.get(key);
    expect(await tx.exec()).toEqual([{ user: "ada" }]);
  });
});
