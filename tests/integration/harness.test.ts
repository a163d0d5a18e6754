// @vitest-environment edge-runtime
/**
 * The harness itself: the stack is up, testRedis() reaches it from an Edge-runtime test file.
 */
import { describe, expect, it } from "vitest";
import { randomPrefix, testRedis } from "../support/redis";

describe("test harness", () => {
  it("exposes the REST URL, token and a session secret to Edge-runtime tests", () => {
    expect(process.env.UPSTASH_REDIS_REST_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(process.env.UPSTASH_REDIS_REST_TOKEN?.length).toBeGreaterThan(10);
    expect(process.env.SESSION_SECRET?.length).toBeGreaterThanOrEqual(32);
    expect(typeof (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime).toBe("string");
  });

  it("round-trips a value through testRedis() inside the Edge runtime", async () => {
    const redis = testRedis();
    const key = `${randomPrefix("harness")}value`;
    await redis.set(key, { hello: "edge" }, { ex: 60 });
    expect(await redis.get(key)).toEqual({ hello: "edge" });
  });
});
