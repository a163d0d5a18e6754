/**
 * Wire-level conformance of the local REST server (the protocol as scripts/upstash-rest/README.md states it): exact JSON
 * bodies, base64 at every depth, exact integer digits, argument conversion, auth, status codes,
 * refused commands and the read-your-writes sync token.
 */
import { Redis } from "@upstash/redis";
import type { Redis as IORedis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRestServer } from "../../scripts/upstash-rest/index";
import { directRedis, randomPrefix, restCredentials, testRedis } from "../support/redis";
import { b64, rawRequest } from "../support/rest";

let direct: IORedis;
beforeAll(() => {
  direct = directRedis();
});
afterAll(async () => {
  await direct.quit();
});

describe("response encoding", () => {
  it("base64-encodes bulk and status strings from the raw bytes, and keeps integers and nil", async () => {
    const key = `${randomPrefix("enc")}k`;
    await direct.set(key, Buffer.from([0xff, 0xfe, 0x41]));
    expect((await rawRequest("/", ["get", key], { base64: true })).json()).toEqual({ result: "//5B" });
    expect((await rawRequest("/", ["get", key])).json()).toEqual({ result: "\uFFFD\uFFFDA" });
    expect((await rawRequest("/", ["ping"], { base64: true })).json()).toEqual({ result: b64("PONG") });
    expect((await rawRequest("/", ["type", key], { base64: true })).json()).toEqual({
      result: b64("string"),
    });
    expect((await rawRequest("/", ["strlen", key], { base64: true })).json()).toEqual({ result: 3 });
    expect((await rawRequest("/", ["get", `${key}:none`], { base64: true })).json()).toEqual({
      result: null,
    });
  });

  it("encodes every string at every depth, including OK inside arrays", async () => {
    const prefix = randomPrefix("deep");
    const script =
      "return {redis.status_reply('OK'), {'a', 1, {'😀'}}, redis.call('PING'), redis.call('GET', KEYS[1])}";
    const reply = await rawRequest("/", ["eval", script, 1, `${prefix}missing`], { base64: true });
    expect(reply.json()).toEqual({ result: [b64("OK"), [b64("a"), 1, [b64("😀")]], b64("PONG"), null] });
    const plain = await rawRequest("/", ["eval", script, 1, `${prefix}missing`]);
    expect(plain.json()).toEqual({ result: ["OK", ["a", 1, ["😀"]], "PONG", null] });
  });

  it("encodes ZRANGE WITHSCORES and HGETALL as flat base64 arrays", async () => {
    const prefix = randomPrefix("flat");
    await direct.zadd(`${prefix}z`, 1.5, "m1");
    await direct.hset(`${prefix}h`, "field", "v");
    expect(
      (await rawRequest("/", ["zrange", `${prefix}z`, 0, -1, "WITHSCORES"], { base64: true })).json(),
    ).toEqual({
      result: ["bTE=", "MS41"],
    });
    expect((await rawRequest("/", ["hgetall", `${prefix}h`], { base64: true })).json()).toEqual({
      result: ["ZmllbGQ=", "dg=="],
    });
  });

  it("writes integers beyond 2^53 with their exact digits", async () => {
    const key = `${randomPrefix("big")}n`;
    const reply = await rawRequest("/", ["incrby", key, "9007199254740993"], { base64: true });
    expect(reply.text).toBe('{"result":9007199254740993}');
    const again = await rawRequest("/pipeline", [["incrby", key, "1000000000000000000"]]);
    expect(again.text).toBe('[{"result":1009007199254740993}]');
    expect(await direct.get(key)).toBe("1009007199254740993");
  });

  it("never encodes error texts, and turns an error nested in a script reply into its text", async () => {
    const top = await rawRequest("/", ["evalsha", "0".repeat(40), 0], { base64: true });
    expect(top.status).toBe(400);
    expect(top.json()).toEqual({ error: "NOSCRIPT No matching script. Please use EVAL." });
    const nested = await rawRequest("/", ["eval", "return {1, redis.error_reply('MYERR boom')}", 0]);
    expect(nested.json()).toEqual({ result: [1, "MYERR boom"] });
  });
});

describe("argument conversion", () => {
  it("sends numbers as String(n), booleans as true/false, and accepts any command-name case", async () => {
    const prefix = randomPrefix("args");
    await rawRequest("/pipeline", [
      ["set", `${prefix}float`, 1.5],
      ["SET", `${prefix}huge`, 1e21],
      ["Set", `${prefix}true`, true],
      ["sEt", `${prefix}false`, false],
    ]);
    expect(await direct.mget(`${prefix}float`, `${prefix}huge`, `${prefix}true`, `${prefix}false`)).toEqual([
      "1.5",
      "1e+21",
      "true",
      "false",
    ]);
  });

  it("refuses null and nested arguments with 400 ERR unsupported arg type", async () => {
    const prefix = randomPrefix("badargs");
    const nullArg = await rawRequest("/", ["set", `${prefix}k`, null]);
    expect(nullArg.status).toBe(400);
    expect(nullArg.json()).toEqual({ error: "ERR unsupported arg type: null" });
    const nested = await rawRequest("/", ["set", `${prefix}k`, ["a"]]);
    expect(nested.status).toBe(400);
    expect(String((nested.json() as { error: string }).error)).toMatch(/^ERR unsupported arg type/);
    const inPipeline = await rawRequest("/pipeline", [
      ["set", `${prefix}k`, { a: 1 }],
      ["set", `${prefix}k`, "ok"],
    ]);
    expect(inPipeline.status).toBe(200);
    expect(inPipeline.json()).toEqual([{ error: "ERR unsupported arg type: object" }, { result: "OK" }]);
    expect(await direct.get(`${prefix}k`)).toBe("ok");
  });
});

describe("HTTP contract", () => {
  it("answers a wrong or missing token with 401 JSON, and accepts ?_token=", async () => {
    const wrong = await rawRequest("/", ["ping"], { token: "not-the-token" });
    expect(wrong.status).toBe(401);
    expect(wrong.json()).toEqual({ error: expect.stringMatching(/^WRONGPASS/) as unknown });
    const missing = await rawRequest("/pipeline", [["ping"]], { token: null });
    expect(missing.status).toBe(401);
    expect(missing.json()).toHaveProperty("error");
    const { token } = restCredentials();
    const viaQuery = await rawRequest(`/?_token=${encodeURIComponent(token)}`, ["ping"], { token: null });
    expect(viaQuery.json()).toEqual({ result: "PONG" });

    const { url } = restCredentials();
    const client = new Redis({ url, token: "wrong", enableTelemetry: false, retry: false });
    await expect(client.get("k")).rejects.toThrow(/WRONGPASS/);
  });

  it("answers malformed bodies with 400 JSON", async () => {
    const notJson = await rawRequest("/", null, { rawBody: "[not json" });
    expect(notJson.status).toBe(400);
    expect(notJson.json()).toHaveProperty("error");
    const notArray = await rawRequest("/pipeline", { get: "k" });
    expect(notArray.status).toBe(400);
    expect(notArray.json()).toHaveProperty("error");
    const empty = await rawRequest("/", []);
    expect(empty.status).toBe(400);
    const txNotArray = await rawRequest("/multi-exec", "get k");
    expect(txNotArray.status).toBe(400);
  });

  it("answers a Redis error on POST / with 400 and the exact Redis text", async () => {
    const reply = await rawRequest("/", ["get"]);
    expect(reply.status).toBe(400);
    expect(reply.json()).toEqual({ error: "ERR wrong number of arguments for 'get' command" });
  });

  it("answers other methods with 405 JSON and GET /ping with PONG", async () => {
    const deleted = await rawRequest("/", null, { method: "DELETE" });
    expect(deleted.status).toBe(405);
    expect(deleted.json()).toHaveProperty("error");
    const ping = await rawRequest("/ping", null, { method: "GET", token: null });
    expect(ping.status).toBe(200);
    expect(ping.json()).toEqual({ result: "PONG" });
  });

  it("accepts a path prefix in the base URL", async () => {
    const { url, token } = restCredentials();
    const client = new Redis({ url: `${url}/some/prefix`, token, enableTelemetry: false });
    const key = `${randomPrefix("prefix")}k`;
    await client.set(key, "v");
    expect(await client.get(key)).toBe("v");
    const tx = client.multi();
    tx.get(key);
    expect(await tx.exec()).toEqual(["v"]);
  });

  it("answers a body over the limit with 413 JSON", async () => {
    const { token } = restCredentials();
    const small = await startRestServer({
      redis: { url: process.env.TEST_REDIS_URL ?? "" },
      token,
      bodyLimitBytes: 1024,
    });
    try {
      const tooBig = await rawRequest("/", ["set", "k", "x".repeat(4096)], { baseUrl: small.url });
      expect(tooBig.status).toBe(413);
      expect(tooBig.json()).toEqual({ error: "ERR max request size exceeded" });
      const fine = await rawRequest("/", ["ping"], { baseUrl: small.url });
      expect(fine.json()).toEqual({ result: "PONG" });
    } finally {
      await small.close();
    }
  });

  it("sends a fresh upstash-sync-token on every 2xx response", async () => {
    const key = `${randomPrefix("sync")}k`;
    const replies = [
      await rawRequest("/", ["set", key, "v"]),
      await rawRequest("/", ["get", key]),
      await rawRequest("/pipeline", [["get", key]]),
      await rawRequest("/multi-exec", [["get", key]]),
      await rawRequest("/", ["eval", "return 1", 0]),
    ];
    const tokens = replies.map((reply) => reply.headers.get("upstash-sync-token"));
    for (const token of tokens) expect(token).toMatch(/\S/);
    expect(new Set(tokens).size).toBe(tokens.length);

    const client = testRedis();
    await client.set(key, "w");
    const first = client.readYourWritesSyncToken;
    await client.get(key);
    expect(first).toBeTruthy();
    expect(client.readYourWritesSyncToken).not.toBe(first);
  });
});

describe("refused commands", () => {
  const REFUSED: Array<Array<string | number>> = [
    ["MULTI"],
    ["exec"],
    ["DISCARD"],
    ["watch", "k"],
    ["UNWATCH"],
    ["select", 1],
    ["AUTH", "x"],
    ["HELLO", 3],
    ["RESET"],
    ["QUIT"],
    ["CLIENT", "REPLY", "OFF"],
    ["client", "tracking", "on"],
    ["SUBSCRIBE", "ch"],
    ["psubscribe", "ch*"],
    ["SSUBSCRIBE", "ch"],
    ["MONITOR"],
    ["BLPOP", "k", 0],
    ["brpop", "k", 1],
    ["BRPOPLPUSH", "a", "b", 0],
    ["BLMOVE", "a", "b", "LEFT", "RIGHT", 0],
    ["BLMPOP", 0, 1, "k", "LEFT"],
    ["BZPOPMIN", "k", 0],
    ["BZPOPMAX", "k", 0],
    ["BZMPOP", 0, 1, "k", "MIN"],
    ["XREAD", "BLOCK", 0, "STREAMS", "s", "$"],
    ["XREADGROUP", "GROUP", "g", "c", "BLOCK", 10, "STREAMS", "s", ">"],
    ["WAIT", 1, 0],
  ];

  it.each(REFUSED.map((command) => [command.join(" "), command] as const))(
    "refuses %s with a Redis-style ERR",
    async (_name, command) => {
      const single = await rawRequest("/", command);
      expect(single.status).toBe(400);
      expect((single.json() as { error: string }).error).toMatch(/^ERR /);
      const inPipeline = await rawRequest("/pipeline", [command, ["ping"]]);
      expect(inPipeline.status).toBe(200);
      expect(inPipeline.json()).toEqual([
        { error: expect.stringMatching(/^ERR /) as unknown },
        { result: "PONG" },
      ]);
      const inTransaction = await rawRequest("/multi-exec", [["ping"], command]);
      expect(inTransaction.status).toBe(400);
    },
  );

  it("still runs XREAD without BLOCK, and the connection stays on database 0 after a refused SELECT", async () => {
    const prefix = randomPrefix("xread");
    await direct.xadd(`${prefix}s`, "1-1", "f", "v");
    const reply = await rawRequest("/", ["XREAD", "COUNT", 1, "STREAMS", `${prefix}s`, "0"]);
    expect(reply.json()).toEqual({ result: [[`${prefix}s`, [["1-1", ["f", "v"]]]]] });
    await direct.set(`${prefix}db0`, "here");
    await rawRequest("/", ["select", 1]);
    expect((await rawRequest("/", ["get", `${prefix}db0`])).json()).toEqual({ result: "here" });
  });
});
