import { Redis } from "@upstash/redis";
import { authEnv } from "./env";

let client: Redis | undefined;

/** One Upstash REST client for the accounts module; few retries and a timeout so a dead store fails fast. */
export function authRedis(): Redis {
  if (client !== undefined) return client;
  const env = authEnv();
  client = new Redis({
    url: env.UPSTASH_REDIS_REST_URL,
    token: env.UPSTASH_REDIS_REST_TOKEN,
    retry: { retries: 1, backoff: () => 50 },
    signal: () => AbortSignal.timeout(env.AUTH_REDIS_TIMEOUT_MS),
    enableTelemetry: false,
  });
  return client;
}
