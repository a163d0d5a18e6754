/**
 * validateSessionToken against a bare GET of the same key, through one @upstash/redis client and the same REST
 * server, interleaved in one loop (ABBA order per round, so drift and GC hit both alike), also compared round by
 * round (median of the per-round differences), which is steadier between runs than the ratio of p50s. With --compare, the
 * command patterns of the common alternatives through the same client: GET + EXPIRE per request
 * (express-session + connect-redis with rolling sessions: `get`, then `touch` → EXPIRE) and two sequential GETs
 * (the Auth.js Upstash adapter's getSessionAndUser: session key, then user key).
 */
import { performance } from "node:perf_hooks";
import { Redis } from "@upstash/redis";
import { createSessionKit, loadSessionConfig } from "../../lib/session/index";
import { userKeys } from "../../lib/session/keys";
import { hashSessionToken } from "../../lib/session/token";
import { unsealCookie, buildPasswords } from "../../lib/session/cookie";
import { startRestProcess } from "./rest-process";
import { summarize, type Summary } from "./stats";

export type LatencyRow = {
  name: string;
  summary: Summary;
  ratioP50: number;
  ratioMean: number;
  /** Median over rounds of (this pattern − the bare GET of the same round), ms: drift between rounds cancels. */
  pairedDelta: number;
  /** 1 + pairedDelta / p50 of the bare GET: the same question as ratioP50, steadier from run to run. */
  ratioPaired: number;
};

const ROUNDS = Number(process.env.BENCH_LATENCY_ROUNDS ?? 1500);
const WARMUP = 200;
const DEVICE = { userAgent: "bench", browser: "bench", os: "bench", deviceType: "desktop" } as const;

export async function measureLatency(redisUrl: string, compare: boolean): Promise<LatencyRow[]> {
  const rest = await startRestProcess(redisUrl);
  try {
    return await measureThrough(rest.url, rest.token, compare);
  } finally {
    await rest.stop();
  }
}

async function measureThrough(restUrl: string, restToken: string, compare: boolean): Promise<LatencyRow[]> {
  const redis = new Redis({
    url: restUrl,
    token: restToken,
    enableTelemetry: false,
    enableAutoPipelining: false,
    retry: { retries: 1, backoff: () => 50 },
    signal: () => AbortSignal.timeout(2000),
  });
  const env = { SESSION_SECRET: "bench-latency-secret-0123456789-abcdefghijklmnop" };
  const kit = createSessionKit({ redis, env, config: { keyPrefix: "bench:lat:" } });
  const created = await kit.createSession({ userId: "bench-latency-user", device: DEVICE });
  if (!created.ok) throw new Error(`bench: createSession failed (${created.reason})`);
  const cookieValue = created.cookie.value;
  const payload = await unsealCookie(cookieValue, await buildPasswords(loadSessionConfig({}, env)));
  if (payload === null) throw new Error("bench: could not unseal the bench cookie");
  const sessionKey = userKeys(kit.config.keyPrefix, payload.u).session(await hashSessionToken(payload.t));
  const userKey = "bench:lat:user:bench-latency-user";
  await redis.set(userKey, JSON.stringify({ id: "bench-latency-user", email: "bench@example.test" }));
  const ttlSeconds = kit.config.idleTimeoutSeconds;

  type Variant = { name: string; run: () => Promise<unknown> };
  const variants: Variant[] = [
    { name: "bare GET (same client, same key)", run: () => redis.get(sessionKey) },
    {
      name: "validateSessionToken (cached cookie + GET + cached decode + checks)",
      run: async () => {
        const result = await kit.validateSessionToken(cookieValue);
        if (!result.ok) throw new Error(`bench: validation failed (${result.reason})`);
      },
    },
  ];
  if (compare) {
    variants.push(
      {
        name: "express-session + connect-redis: GET + EXPIRE",
        run: async () => {
          await redis.get(sessionKey);
          await redis.expire(sessionKey, ttlSeconds);
        },
      },
      {
        name: "Auth.js Upstash adapter: GET session, GET user",
        run: async () => {
          await redis.get(sessionKey);
          await redis.get(userKey);
        },
      },
    );
  }

  const samples: number[][] = variants.map(() => []);
  const once = async (index: number, keep: boolean): Promise<void> => {
    const variant = variants[index];
    if (variant === undefined) return;
    const started = performance.now();
    await variant.run();
    if (keep) samples[index]?.push(performance.now() - started);
  };
  for (let round = 0; round < WARMUP + ROUNDS; round += 1) {
    const keep = round >= WARMUP;
    const order = variants.map((_, index) => index);
    if (round % 2 === 1) order.reverse();
    for (const index of order) await once(index, keep);
  }

  const baseSamples = samples[0] ?? [];
  const base = summarize(baseSamples);
  return variants.map((variant, index) => {
    const own = samples[index] ?? [];
    const summary = summarize(own);
    // Both patterns ran back to back in every kept round: the per-round difference cancels what the machine was
    // doing at that moment, which moves both p50s by a few per cent between runs.
    const pairedDelta = summarize(own.map((value, round) => value - (baseSamples[round] ?? Number.NaN))).p50;
    return {
      name: variant.name,
      summary,
      ratioP50: summary.p50 / base.p50,
      ratioMean: summary.mean / base.mean,
      pairedDelta,
      ratioPaired: 1 + pairedDelta / base.p50,
    };
  });
}
