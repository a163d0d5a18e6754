/**
 * The local REST server accepts Upstash's `#!lua flags=allow-key-locking` the way Upstash does: the script runs on
 * open-source Redis, keeps the SHA-1 the client computes, and other flags keep working. Proved with raw commands
 * and with @upstash/ratelimit itself (its scripts carry the flag).
 */
import { createHash } from "node:crypto";
import { Ratelimit } from "@upstash/ratelimit";
import { afterEach, describe, expect, it, vi } from "vitest";
import { stripKeyLockingFlag } from "@/scripts/upstash-rest/script-flags";
import { randomPrefix, testRedis } from "../support/redis";

const FLAGGED = "#!lua flags=allow-key-locking\nreturn {KEYS[1], ARGV[1]}";
const sha1 = (text: string): string => createHash("sha1").update(text, "utf8").digest("hex");

afterEach(() => {
  vi.restoreAllMocks();
});

describe("allow-key-locking on the local stack", () => {
  it("runs a flagged script with EVAL, then with EVALSHA of the text the client holds", async () => {
    const redis = testRedis();
    const key = randomPrefix("flag");
    expect(await redis.eval(FLAGGED, [key], ["hi"])).toEqual([key, "hi"]);
    expect(await redis.evalsha(sha1(FLAGGED), [key], ["again"])).toEqual([key, "again"]);
    expect(await redis.scriptExists(sha1(FLAGGED))).toEqual([1]);
  });

  it("answers SCRIPT LOAD with the client's SHA-1, and createScript needs one request per call", async () => {
    const redis = testRedis();
    const source = `#!lua flags=allow-key-locking\nreturn '${randomPrefix("load")}'`;
    expect(await redis.scriptLoad(source)).toBe(sha1(source));
    const script = redis.createScript<string>(source);
    const fetches = vi.spyOn(globalThis, "fetch");
    await script.exec([randomPrefix("k")], []);
    expect(fetches, "EVALSHA found the script: no NOSCRIPT round trip").toHaveBeenCalledTimes(1);
  });

  it("keeps the other flags: a no-writes script still may not write", async () => {
    const redis = testRedis();
    const key = randomPrefix("ro");
    const readOnly = "#!lua flags=no-writes,allow-key-locking\nreturn redis.call('SET', KEYS[1], 'x')";
    await expect(redis.eval(readOnly, [key], [])).rejects.toThrow(/write/i);
    expect(await redis.get(key)).toBeNull();
  });

  it("strips only that flag from the shebang", () => {
    expect(stripKeyLockingFlag("#!lua flags=allow-key-locking\nreturn 1")).toBe("#!lua\nreturn 1");
    expect(stripKeyLockingFlag("#!lua flags=no-writes,allow-key-locking\nreturn 1")).toBe(
      "#!lua flags=no-writes\nreturn 1",
    );
    expect(stripKeyLockingFlag("return 1")).toBe("return 1");
    expect(stripKeyLockingFlag("#!lua flags=no-writes\nreturn 1")).toBe("#!lua flags=no-writes\nreturn 1");
  });
});

describe("@upstash/ratelimit against the local stack", () => {
  it("limits with its own flagged scripts, one REST request per check once the script is cached", async () => {
    const limiter = new Ratelimit({
      redis: testRedis(),
      limiter: Ratelimit.slidingWindow(2, "1 m"),
      prefix: randomPrefix("rl"),
      analytics: false,
      ephemeralCache: false,
    });
    const id = "{conformance}";
    expect((await limiter.limit(id)).success).toBe(true);
    const fetches = vi.spyOn(globalThis, "fetch");
    expect((await limiter.limit(id)).success).toBe(true);
    expect(fetches, "one request: EVALSHA hit").toHaveBeenCalledTimes(1);
    expect((await limiter.limit(id)).success, "the third in the window is refused").toBe(false);
  });
});
