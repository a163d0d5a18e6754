/**
 * Node-only REST transport for @upstash/redis: an undici Pool with keep-alive connections instead of `fetch`,
 * for a Node.js `proxy.ts` (docs/proxy.example.ts), where the global fetch is the framework's instrumented one.
 * Not for Edge middleware (no sockets there), and not part of lib/session, which stays fetch-only.
 *
 * The client behaves like the kit's own (lib/session/store.ts): raw values (no JSON decoding), no telemetry,
 * one HTTP request per command, and one deadline (`timeoutMs`) for a call and all its retries; an error Redis
 * returns (NOSCRIPT, WRONGTYPE…) is thrown as @upstash/redis's UpstashError at once, a network error is retried.
 * It implements the client's Requester interface (`new Redis(requester)`); the client then takes its command
 * options from its `opts` field, set here to the kit's (checked by tests/integration/node-transport.test.ts).
 */
import { errors, Redis } from "@upstash/redis";
import { Pool } from "undici";

export type PooledRedisOptions = {
  url: string;
  token: string;
  /** Deadline of one call, retries included. */
  timeoutMs: number;
  /** Attempts after the first on a network error. */
  retries: number;
  /** @default 16 */
  connections?: number;
};

type UpstashRequest = { path?: string[]; body?: unknown; headers?: Record<string, string> };
type UpstashResponse<T> = { result?: T; error?: string };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** An @upstash/redis client over an undici Pool. `close()` the returned pool when done (tests). */
export function pooledRedis(options: PooledRedisOptions): { redis: Redis; close: () => Promise<void> } {
  const base = new URL(options.url);
  const basePath = base.pathname.replace(/\/+$/, "");
  const pool = new Pool(base.origin, { connections: options.connections ?? 16, keepAliveTimeout: 30_000 });
  const authorization = `Bearer ${options.token}`;

  async function request<T>(req: UpstashRequest): Promise<UpstashResponse<T>> {
    const signal = AbortSignal.timeout(options.timeoutMs);
    const path = `${basePath}/${(req.path ?? []).join("/")}`;
    for (let attempt = 0; ; attempt += 1) {
      let statusCode: number;
      let parsed: unknown;
      try {
        const response = await pool.request({
          method: "POST",
          path,
          headers: { ...req.headers, authorization, "content-type": "application/json" },
          body: JSON.stringify(req.body),
          signal,
        });
        statusCode = response.statusCode;
        parsed = await response.body.json();
      } catch (error) {
        if (signal.aborted || attempt >= options.retries) throw error;
        await sleep(Math.min(50 * 2 ** attempt, 400));
        continue;
      }
      if (statusCode !== 200) {
        const message = (parsed as UpstashResponse<T> | null)?.error ?? `HTTP ${statusCode}`;
        throw new errors.UpstashError(`${message}, command was: ${JSON.stringify(req.body)}`);
      }
      return parsed as UpstashResponse<T>;
    }
  }

  const redis = new Redis({ request });
  // With a requester the client keeps its defaults (decoded values, telemetry, auto-pipelining): use the kit's.
  Object.assign(redis as object, {
    opts: {
      automaticDeserialization: false,
      enableTelemetry: false,
      latencyLogging: false,
      enableAutoPipelining: false,
    },
    enableTelemetry: false,
    enableAutoPipelining: false,
  });
  return { redis, close: () => pool.close() };
}

/** For `setSessionRedis()` (lib/session/next.ts): the kit's deadline and retries, UPSTASH_REDIS_REST_* from env. */
export function pooledSessionRedis(config: { redis: { timeoutMs: number; retries: number } }): Redis {
  const url = process.env.UPSTASH_REDIS_REST_URL?.trim();
  const token = process.env.UPSTASH_REDIS_REST_TOKEN?.trim();
  if (url === undefined || url === "" || token === undefined || token === "") {
    throw new Error(
      "session: UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN must be set for the pooled client",
    );
  }
  return pooledRedis({ url, token, ...config.redis }).redis;
}
