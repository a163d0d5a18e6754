/**
 * The store: the only place that talks to Redis.
 *
 * What: a `Store` (GET, PING, scripts) over the kit's own REST client (rest.ts) or over your `@upstash/redis`
 * client, and the wrappers that turn every error into the value `{ ok: false, reason: "unavailable" }` — never
 * "signed out". Both clients bound a call, retries included, by `config.redis.timeoutMs`, and a timeout throws.
 * Scripts: each Lua script (lua/*.ts) is a `LuaScript`, its text beside the builders of its KEYS and ARGV and the
 * decoder of its reply; `runScript` is the one way the kit runs one: EVALSHA, then EVAL when Redis answers
 * NOSCRIPT (after a restart or failover).
 * GETs: concurrent GETs share REST calls (coalesce.ts: the first goes out at once, those arriving meanwhile
 * go together in one `/pipeline`), each keeping its own reply or error.
 * Seam: pass your own `Redis` to `createSessionKit({ redis })` (any @upstash/redis-compatible client); the kit
 * uses only GET (alone or in `/pipeline`), PING and scripts.
 */
import type { Redis } from "@upstash/redis";
import { createGetCoalescer, type CoalesceOptions, type GetOutcome } from "./coalesce";
import type { SessionConfig } from "./config";
import { createRestClient, type RestClient } from "./rest";
import { toHex } from "./token";
import type { HealthResult, Unavailable } from "./types";

type Env = Record<string, string | undefined>;

/** UPSTASH_REDIS_REST_URL / UPSTASH_REDIS_REST_TOKEN, or the error that says what to set. */
export function restEndpoint(env: Env): { url: string; token: string } {
  const url = env.UPSTASH_REDIS_REST_URL?.trim();
  const token = env.UPSTASH_REDIS_REST_TOKEN?.trim();
  if (url === undefined || url === "" || token === undefined || token === "") {
    throw new Error(
      "session: UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN must be set (or pass createSessionKit({ redis }))",
    );
  }
  return { url, token };
}

export type Script = { exec: (keys: string[], args: string[]) => Promise<unknown> };

export type Store = {
  get: (key: string) => Promise<unknown>;
  ping: () => Promise<unknown>;
  script: (lua: string) => Script;
};

/** A pipeline's replies as outcomes: one failed command fails only itself. */
function outcomes(replies: ReadonlyArray<{ result?: unknown; error?: string }>): GetOutcome[] {
  return replies.map((reply): GetOutcome => {
    if (typeof reply.error !== "string") return { ok: true, value: reply.result ?? null };
    const error = new Error(reply.error);
    error.name = "RedisError";
    return { ok: false, error };
  });
}

/** With `coalesce` (the kit passes config.redis), concurrent GETs share calls; without, no batching. */
function withGets(
  one: (key: string) => Promise<unknown>,
  many: (keys: readonly string[]) => Promise<GetOutcome[]>,
  coalesce: CoalesceOptions | undefined,
): (key: string) => Promise<unknown> {
  return createGetCoalescer(
    { one, many },
    coalesce ?? { maxBatch: 1, maxInFlight: 1, maxWaitMs: 0, timeoutMs: 0 },
  );
}

async function sha1Hex(text: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-1", new TextEncoder().encode(text))));
}

/** The kit's default store: its own REST client from UPSTASH_REDIS_REST_URL / _TOKEN and `config.redis`. */
export function createRestStore(config: SessionConfig, env: Env): Store {
  const { timeoutMs, retries } = config.redis;
  return storeOverRest(createRestClient({ ...restEndpoint(env), timeoutMs, retries }), config.redis);
}

export function storeOverRest(rest: RestClient, coalesce?: CoalesceOptions): Store {
  const scripts = new Map<string, Script>();
  const get = withGets(
    (key) => rest.command(["get", key]),
    async (keys) => outcomes(await rest.pipeline(keys.map((key) => ["get", key]))),
    coalesce,
  );
  return {
    get,
    ping: () => rest.command(["ping"]),
    script: (lua) => {
      let script = scripts.get(lua);
      if (script === undefined) {
        const sha = sha1Hex(lua);
        script = {
          exec: async (keys, args) => {
            const call = [String(keys.length), ...keys, ...args];
            try {
              return await rest.command(["evalsha", await sha, ...call]);
            } catch (error) {
              if (!(error instanceof Error) || !error.message.toUpperCase().includes("NOSCRIPT")) throw error;
              return rest.command(["eval", lua, ...call]);
            }
          },
        };
        scripts.set(lua, script);
      }
      return script;
    },
  };
}

/** A store over your @upstash/redis client (`createSessionKit({ redis })`, cleanup). */
export function createStore(redis: Redis, coalesce?: CoalesceOptions): Store {
  const scripts = new Map<string, Script>();
  const get = withGets(
    (key) => redis.get(key),
    async (keys) => {
      const pipeline = redis.pipeline();
      for (const key of keys) pipeline.get(key);
      return outcomes(await pipeline.exec({ keepErrors: true }));
    },
    coalesce,
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
