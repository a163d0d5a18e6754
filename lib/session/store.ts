/**
 * The Redis client and the only place that talks to it.
 *
 * What: builds an `@upstash/redis` client (REST over fetch: Edge and Node) with a request budget that really
 * fails, and wraps every call so an error becomes the value `{ ok: false, reason: "unavailable" }` — never
 * "signed out".
 * Why the function form of `signal`: @upstash/redis 1.39 (pkg/http.ts) turns an abort of a *static* AbortSignal
 * into a fake 200 response whose result is the abort reason, so a timed-out GET would look like a stored value.
 * With `signal: () => AbortSignal.timeout(ms)` it rethrows. One signal covers all retries of a command, so
 * `timeoutMs` bounds the whole call.
 * Scripts: each Lua script (lua/*.ts) is a `LuaScript`, its text beside the builders of its KEYS and ARGV and the
 * decoder of its reply; `runScript` is the one way the kit runs one.
 * GETs: concurrent GETs share REST calls (coalesce.ts: the first goes out at once, those arriving meanwhile
 * go together in one `/pipeline`), each keeping its own reply or error.
 * Seam: pass your own `Redis` to `createSessionKit({ redis })` (any @upstash/redis-compatible client); the kit
 * uses only GET (alone or in `/pipeline`), PING and scripts (EVALSHA, EVAL on NOSCRIPT).
 */
import { Redis } from "@upstash/redis";
import { createGetCoalescer, type CoalesceOptions, type GetOutcome } from "./coalesce";
import type { SessionConfig } from "./config";
import type { HealthResult, Unavailable } from "./types";

type Env = Record<string, string | undefined>;

/** Creates the kit's own client from UPSTASH_REDIS_REST_URL / UPSTASH_REDIS_REST_TOKEN. */
export function createStoreClient(config: SessionConfig, env: Env): Redis {
  const url = env.UPSTASH_REDIS_REST_URL?.trim();
  const token = env.UPSTASH_REDIS_REST_TOKEN?.trim();
  if (url === undefined || url === "" || token === undefined || token === "") {
    throw new Error(
      "session: UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN must be set (or pass createSessionKit({ redis }))",
    );
  }
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
    // The kit batches its GETs itself (coalesce.ts): bounded, and only while calls are in flight. The client's
    // auto-pipelining would batch every command, writes included, and only those issued in the same tick.
    enableAutoPipelining: false,
  });
}

export type Script = { exec: (keys: string[], args: string[]) => Promise<unknown> };

export type Store = {
  get: (key: string) => Promise<unknown>;
  ping: () => Promise<unknown>;
  script: (lua: string) => Script;
};

/** GETs in one `/pipeline` request, each with its own outcome (`keepErrors`: one failed command fails only itself). */
async function pipelineGets(redis: Redis, keys: readonly string[]): Promise<GetOutcome[]> {
  const pipeline = redis.pipeline();
  for (const key of keys) pipeline.get(key);
  const replies = await pipeline.exec({ keepErrors: true });
  return replies.map((reply): GetOutcome => {
    if (typeof reply.error !== "string") return { ok: true, value: reply.result };
    const error = new Error(reply.error);
    error.name = "UpstashError";
    return { ok: false, error };
  });
}

/** `coalesce`: the GET batching bounds (coalesce.ts; the kit passes config.redis); without, no batching. */
export function createStore(redis: Redis, coalesce?: CoalesceOptions): Store {
  const scripts = new Map<string, Script>();
  const get = createGetCoalescer(
    { one: (key) => redis.get(key), many: (keys) => pipelineGets(redis, keys) },
    coalesce ?? { maxBatch: 1, maxInFlight: 1, maxWaitMs: 0, timeoutMs: 0 },
  );
  return {
    get,
    ping: () => redis.ping(),
    script: (lua) => {
      let script = scripts.get(lua);
      if (script === undefined) {
        // EVALSHA first, EVAL when the server answers NOSCRIPT (after a restart or failover).
        script = redis.createScript<unknown>(lua);
        scripts.set(lua, script);
      }
      return script;
    },
  };
}

export const UNAVAILABLE: Unavailable = { ok: false, reason: "unavailable" };

/**
 * A Lua script and its calling convention: the order of its KEYS and ARGV lives in `keys` and `args` only, the
 * shape of its reply in `decode` (total: an unexpected reply decodes to a value, it never throws).
 */
export type LuaScript<Input, Reply> = {
  lua: string;
  keys: (input: Input) => string[];
  args: (input: Input) => string[];
  decode: (reply: unknown, input: Input) => Reply;
};

/** Runs a script and decodes its reply; a store error throws (for callers with an error policy of their own). */
export async function execScript<Input, Reply>(
  store: Store,
  script: LuaScript<Input, Reply>,
  input: Input,
): Promise<Reply> {
  const reply = await store.script(script.lua).exec(script.keys(input), script.args(input));
  return script.decode(reply, input);
}

/** Runs a script for the kit: a store error is the value "unavailable", never a sign-out. */
export async function runScript<Input, Reply>(
  store: Store,
  script: LuaScript<Input, Reply>,
  input: Input,
): Promise<{ ok: true; value: Reply } | Unavailable> {
  const result = await attempt(() => execScript(store, script, input));
  return result.ok ? result : UNAVAILABLE;
}

/** Pings the store; `now` is the kit's clock (a fake clock reports fake latency). */
export async function checkHealth(store: Store, now: () => number): Promise<HealthResult> {
  const started = now();
  try {
    await store.ping();
    return { ok: true, latencyMs: now() - started };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.name : "error" };
  }
}

/** Runs a store call; any error (network, timeout, Redis error) is "unavailable". */
export async function attempt<T>(run: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    // Visible to operators, without the command (it may carry user ids).
    const message =
      error instanceof Error ? error.name + ": " + error.message.split(", command was")[0] : "error";
    console.error(`session: store unavailable (${message})`);
    return { ok: false };
  }
}
