/**
 * An `@upstash/redis` client for the kit's store, for operations that need the full command set (cleanup's SCAN,
 * PTTL and EXPIRE) and for passing your own to `createSessionKit({ redis })`.
 *
 * What: a client from UPSTASH_REDIS_REST_URL / UPSTASH_REDIS_REST_TOKEN with the kit's request budget, no
 * telemetry, raw values (the kit parses them with zod) and no auto-pipelining.
 * Why the function form of `signal`: @upstash/redis 1.39 (pkg/http.ts) turns an abort of a *static* AbortSignal
 * into a fake 200 response whose result is the abort reason, so a timed-out GET would look like a stored value.
 * With `signal: () => AbortSignal.timeout(ms)` it rethrows. One signal covers all retries of a command, so
 * `timeoutMs` bounds the whole call.
 * Not imported by the kit's hot path: without `redis`, the kit talks REST through rest.ts (a fraction of the
 * Edge bundle). Seam: `restEndpoint` is the one reader of the two variables.
 */
import { Redis } from "@upstash/redis";
import type { SessionConfig } from "./config";
import { restEndpoint } from "./store";

type Env = Record<string, string | undefined>;

/** Creates an @upstash/redis client for the store from UPSTASH_REDIS_REST_URL / UPSTASH_REDIS_REST_TOKEN. */
export function createStoreClient(config: Pick<SessionConfig, "redis">, env: Env): Redis {
  const { url, token } = restEndpoint(env);
  const { timeoutMs, retries } = config.redis;
  return new Redis({
    url,
    token,
    // Function form: a timeout throws (see header). A static signal would turn it into a fake success.
    signal: () => AbortSignal.timeout(timeoutMs),
    retry: { retries, backoff: (attempt) => Math.min(50 * 2 ** attempt, 400) },
    // No telemetry headers leave the app; values come back raw and are parsed with zod (record.ts).
    enableTelemetry: false,
    automaticDeserialization: false,
    latencyLogging: false,
    // The kit batches its own GETs (coalesce.ts); other callers send one command per request.
    enableAutoPipelining: false,
  });
}
