/**
 * The kit's context: everything the verbs share, built once per kit by `createContext`.
 *
 * What: the validated config, the store, the one clock `now`, the cookie passwords (derived on first use), the
 * two caches (opened cookies, decoded records: open.ts), the hand-off and report signers, and what bookkeeping
 * needs (metrics keys, `defer`). The verbs (validate.ts, create.ts, revoke.ts, list.ts, report.ts) are free
 * functions over it; kit.ts binds them into the `SessionKit` object.
 * One clock: every time the kit decides or reports (liveness, expiries, caches, hand-offs, links, metrics,
 * health latency) comes from `now`. Only iron's seal TTL is checked against the wall clock (cookie.ts).
 * Seam: `now` (an injectable clock, ms) and `redis` (any @upstash/redis client) are the two things to swap.
 */
import type { Redis } from "@upstash/redis";
import { activityArgs, type ActivityOptions } from "./activity";
import { loadSessionConfig, processEnv, type SessionConfig, type SessionConfigInput } from "./config";
import { buildPasswords, type CookiePayload, type Passwords } from "./cookie";
import { createHandoffSigner, type HandoffSigner } from "./handoff";
import { metricsKeys, sweepKeys, type MetricsKeys, type SweepKeys } from "./keys";
import { createReportSigner, type ReportSigner } from "./notify";
import type { StoredValue } from "./record";
import { createRestStore, createStore, type Store } from "./store";

export type SessionKitOptions = {
  /** Policy overrides; `SESSION_*` environment variables override these (see config.ts). */
  config?: SessionConfigInput;
  /** Your own @upstash/redis client; default: the kit's REST client (rest.ts) on UPSTASH_REDIS_REST_URL/TOKEN. */
  redis?: Redis;
  /** Where to read `SESSION_*` and `UPSTASH_*` from. @default process.env */
  env?: Record<string, string | undefined>;
  /** Clock in epoch milliseconds; tests inject a fake one. @default Date.now */
  now?: () => number;
  /**
   * Runs bookkeeping (metrics) after the response: pass Next's `after` or a platform `waitUntil`.
   * Without it the kit awaits the bookkeeping before returning. @default undefined (await)
   */
  defer?: (task: () => Promise<unknown>) => void;
  /**
   * Keep a per-user security activity log (activity.ts), written inside the session scripts: no extra round trip.
   * `true` uses the defaults (50 entries, 90 days). @default false
   */
  activity?: boolean | ActivityOptions;
  /**
   * Record session metrics (metrics.ts): one more script per create/revoke/logout (handed to `defer`) and per
   * due touch. `getSessionKit()` (next.ts) turns it on with `defer: after`. @default false
   */
  metrics?: boolean;
};

/** A cookie opened once: its payload and the hash of its token (the session key's suffix). */
export type OpenedCookie = { payload: CookiePayload; hash: string };

export type SessionContext = {
  config: SessionConfig;
  store: Store;
  /** The kit's one clock, epoch ms. */
  now: () => number;
  /** The iron-session password maps, derived from the secrets on first use. */
  passwords: () => Promise<Passwords>;
  /** Opened cookies by exact value, each kept until `until` (open.ts). */
  opened: Map<string, OpenedCookie & { until: number }>;
  /** Decoded records by exact stored text (open.ts). */
  decoded: Map<string, StoredValue>;
  handoff: HandoffSigner;
  reports: ReportSigner;
  /** How long a revocation marker lives. */
  markerMs: number;
  /** The zero-round-trip window (`revalidateAfterSeconds`); 0 = off. */
  windowMs: number;
  /** The activity log's script arguments: [max, ttlMs], or [] when the log is off. */
  activity: string[];
  /** Whether metric events are recorded (`options.metrics`). Reading metrics works either way. */
  metricsOn: boolean;
  metricsKeys: MetricsKeys;
  /** TTL of the metrics' long-lived keys: longer than the longest absolute session lifetime. */
  metricsKeepSeconds: number;
  defer: ((task: () => Promise<unknown>) => void) | undefined;
  sweepKeys: SweepKeys;
  /**
   * The "sign out everyone" epoch this kit last saw (create.ts): read once, then refreshed by every sign-in.
   * Any earlier reading is a safe "before" value: a stale one only refuses one sign-in too many.
   */
  sweepEpoch: { value: string | undefined };
};

export function createContext(options: SessionKitOptions): SessionContext {
  const env = options.env ?? processEnv();
  const config = loadSessionConfig(options.config, env);
  const now = options.now ?? ((): number => Date.now());
  let passwords: Promise<Passwords> | undefined;
  const longestLifetimeSeconds = Math.max(
    config.absoluteLifetimeSeconds,
    config.rememberMe.absoluteLifetimeSeconds,
  );
  return {
    config,
    store:
      options.redis === undefined ? createRestStore(config, env) : createStore(options.redis, config.redis),
    now,
    passwords: () => (passwords ??= buildPasswords(config)),
    opened: new Map(),
    decoded: new Map(),
    handoff: createHandoffSigner(config.secret, config.handoffTtlSeconds, now),
    reports: createReportSigner(config.secret, now),
    markerMs: config.markerTtlSeconds * 1000,
    windowMs: config.revalidateAfterSeconds * 1000,
    activity: activityArgs(options.activity),
    metricsOn: options.metrics === true,
    metricsKeys: metricsKeys(config.keyPrefix),
    metricsKeepSeconds: Math.max(90 * 86400, longestLifetimeSeconds + 86400),
    defer: options.defer,
    sweepKeys: sweepKeys(config.keyPrefix),
    sweepEpoch: { value: undefined },
  };
}

/** Runs `task` after the response when the kit was given `defer`; otherwise awaits it. */
export async function later(ctx: SessionContext, task: () => Promise<unknown>): Promise<void> {
  if (ctx.defer === undefined) await task();
  else ctx.defer(task);
}

export function assertUserId(userId: unknown, operation: string): asserts userId is string {
  if (typeof userId !== "string" || userId === "" || userId.length > 256) {
    throw new Error(`session: ${operation} needs a userId string of 1-256 characters`);
  }
}

export function assertReason(reason: unknown, allowed: readonly string[], operation: string): void {
  if (typeof reason !== "string" || !allowed.includes(reason)) {
    throw new Error(`session: ${operation} reason must be one of ${allowed.join(", ")}`);
  }
}
