/**
 * Test helpers for Redis: `testRedis()` (an @upstash/redis client to the test stack's REST server),
 * `directRedis()` (a raw ioredis client to the same Redis, for comparisons) and `randomPrefix()`
 * (a unique key prefix per test: tests never flush).
 */
import { randomBytes } from "node:crypto";
import { Redis } from "@upstash/redis";
import { Redis as IORedis } from "ioredis";

export interface TestRedisOptions {
  /** @default true (the client's own default) */
  readonly autoPipelining?: boolean;
  /** Ask for base64 response encoding. @default true (the client's own default) */
  readonly base64?: boolean;
  /** The client's JSON.parse of every string reply. @default true (the client's own default) */
  readonly deserialize?: boolean;
}

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") {
    throw new Error(
      `tests: ${name} is not set (run through tests/vitest.config.ts, whose global setup starts the stack)`,
    );
  }
  return value;
}

export function restCredentials(): { url: string; token: string } {
  return { url: required("UPSTASH_REDIS_REST_URL"), token: required("UPSTASH_REDIS_REST_TOKEN") };
}

export function testRedis(options: TestRedisOptions = {}): Redis {
  const { url, token } = restCredentials();
  return new Redis({
    url,
    token,
    enableAutoPipelining: options.autoPipelining ?? true,
    responseEncoding: options.base64 === false ? false : "base64",
    enableTelemetry: false,
    automaticDeserialization: options.deserialize ?? true,
  });
}

/** A unique key prefix such as `test:3f9a1c2b7d:`; pass a label to make keys easy to find. */
export function randomPrefix(label = "test"): string {
  return `${label}:${randomBytes(6).toString("hex")}:`;
}

/** The stack's kind: "redis-server", "redis-cluster", "redis-url" or "embedded". */
export function stackKind(): string {
  return process.env.TEST_STACK_KIND ?? "unknown";
}

/**
 * A raw ioredis client to the stack's Redis (not available with the embedded engine). Call `quit()` when done.
 * With a cluster stack it is a plain connection to the first primary (keys of other slots answer MOVED).
 */
export function directRedis(): IORedis {
  const url = process.env.TEST_REDIS_URL;
  if (url === undefined || url === "") {
    throw new Error(
      "tests: directRedis() needs TEST_REDIS_URL (the embedded engine has no Redis to connect to)",
    );
  }
  return new IORedis(url, { maxRetriesPerRequest: 1 });
}
