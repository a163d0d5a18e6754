/**
 * Session policy and configuration.
 *
 * What: one validated `SessionConfig` built from three layers, lowest first: the defaults below, the `config`
 * object you pass in code, then `SESSION_*` environment variables (so operators can tune a deployed app without a
 * code change). zod checks the merged result; a bad value throws `session: <field>: <problem> (<how to fix>)`.
 * Data model: every duration carries its unit; one profile (idle + absolute) feeds both the Redis TTL and the
 * cookie Max-Age ("remember me" only; other cookies end with the browser), so the cookie can never outlive the
 * server-side session.
 * Seam: add a field here, to `ENV` below, and read it as `ctx.config` where the kit uses it (context.ts).
 */
import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";
import {
  LIST_IP_HEADERS,
  PLATFORM_IP_HEADERS,
  TRUSTED_PLATFORMS,
  type TrustedPlatform,
  type TrustedProxy,
} from "./device";

/** Options accepted by `createSessionKit({ config })` and `loadSessionConfig()`. Every field is optional. */
export type SessionConfigInput = {
  /**
   * Current secret: seals cookies and signs the middleware hand-off. At least 32 characters.
   * Env: `SESSION_SECRET`. Generate one with `openssl rand -base64 32`.
   */
  secret?: string;
  /**
   * Older secrets still accepted for unsealing (rotation). Env: `SESSION_SECRET_PREVIOUS`, comma-separated.
   * @default []
   */
  previousSecrets?: string[];
  /**
   * Sign out after this long without activity. Env: `SESSION_IDLE_TIMEOUT_SECONDS`.
   * @default 1800 (30 minutes)
   */
  idleTimeoutSeconds?: number;
  /**
   * Sign out this long after sign-in, active or not. Env: `SESSION_ABSOLUTE_LIFETIME_SECONDS`.
   * @default 86400 (24 hours)
   */
  absoluteLifetimeSeconds?: number;
  /**
   * The "remember me" profile. Env: `SESSION_REMEMBER_IDLE_TIMEOUT_SECONDS`,
   * `SESSION_REMEMBER_ABSOLUTE_LIFETIME_SECONDS`.
   * @default { idleTimeoutSeconds: 604800 (7 days), absoluteLifetimeSeconds: 2592000 (30 days) }
   */
  rememberMe?: { idleTimeoutSeconds?: number; absoluteLifetimeSeconds?: number };
  /**
   * Live sessions allowed per user (1 = single device). Env: `SESSION_MAX_SESSIONS_PER_USER`.
   * @default 3
   */
  maxSessionsPerUser?: number;
  /**
   * What a sign-in beyond the cap does: sign out the oldest session, or refuse the new one.
   * Env: `SESSION_CAP_POLICY`.
   * @default "evict-oldest"
   */
  capPolicy?: "evict-oldest" | "reject-new";
  /**
   * Refresh "last active" and the TTL at most this often; must be shorter than both idle timeouts.
   * Env: `SESSION_TOUCH_INTERVAL_SECONDS`.
   * @default 60
   */
  touchIntervalSeconds?: number;
  /**
   * Zero-round-trip window: a cookie validated less than this many seconds ago is trusted without asking Redis.
   * A revoked session keeps working for up to this long on that device. 0 turns it off.
   * Env: `SESSION_REVALIDATE_AFTER_SECONDS`.
   * @default 0
   */
  revalidateAfterSeconds?: number;
  /**
   * How long a "why you were signed out" marker outlives a revoked or evicted session (never longer than the
   * session's own absolute lifetime). Env: `SESSION_MARKER_TTL_SECONDS`.
   * @default 86400 (24 hours)
   */
  markerTtlSeconds?: number;
  /**
   * Prefix of every Redis key (no braces: they would break the per-user hash tag). Env: `SESSION_KEY_PREFIX`.
   * @default "session:"
   */
  keyPrefix?: string;
  /**
   * Redis request budget: a call that exceeds `timeoutMs` (all retries included) fails as "unavailable".
   * Concurrent GETs share calls (coalesce.ts): at most `maxBatch` per `/pipeline`, `maxInFlight` such calls at
   * once, a queued GET waiting at most `maxWaitMs` for a call to return; `maxBatch: 1` turns that off.
   * Env: `SESSION_REDIS_TIMEOUT_MS`, `SESSION_REDIS_RETRIES`, `SESSION_REDIS_MAX_BATCH`,
   * `SESSION_REDIS_MAX_IN_FLIGHT`, `SESSION_REDIS_MAX_WAIT_MS`.
   * @default { timeoutMs: 1000, retries: 1, maxBatch: 32, maxInFlight: 4, maxWaitMs: 10 }
   */
  redis?: {
    timeoutMs?: number;
    retries?: number;
    maxBatch?: number;
    maxInFlight?: number;
    maxWaitMs?: number;
  };
  /**
   * Cookie base name; in secure mode it gets the `__Host-` prefix. Env: `SESSION_COOKIE_NAME`.
   * @default "session"
   */
  cookieName?: string;
  /**
   * Secure cookie + `__Host-` prefix. Env: `SESSION_SECURE_COOKIE` ("true"/"false").
   * @default true when NODE_ENV is "production", else false
   */
  secureCookie?: boolean;
  /**
   * Lifetime of the signed middleware-to-render hand-off header. Env: `SESSION_HANDOFF_TTL_SECONDS`.
   * @default 30
   */
  handoffTtlSeconds?: number;
  /**
   * Step-up ("sudo mode"): how long a password confirmation, or the sign-in itself, lets a session run sensitive
   * actions (sign devices out, change password or email) before it must confirm again (reauth.ts).
   * Env: `SESSION_REAUTH_WINDOW_SECONDS`.
   * @default 600 (10 minutes)
   */
  reauthWindowSeconds?: number;
  /**
   * The proxy in front of the app that you trust to say who the client is (device.ts); without one, no IP and
   * no location are recorded, because any client can send those headers. `platform` reads that platform's
   * location headers and implies its IP header (vercel → x-real-ip, cloudflare → cf-connecting-ip); `ipHeader`
   * names another (or overrides it); `proxyCount` is how many proxies append to x-forwarded-for / forwarded
   * (the IP is the entry that many from the right). Trust a header only if every request reaches the app through
   * the proxy that sets it. Env: `SESSION_TRUSTED_PLATFORM` ("vercel" | "cloudflare" | "none"),
   * `SESSION_TRUSTED_IP_HEADER`, `SESSION_TRUSTED_PROXY_COUNT` (1 to 10).
   * @default { platform: "none", proxyCount: 1 } (no IP, no location)
   */
  trustedProxy?: { platform?: TrustedPlatform; ipHeader?: string; proxyCount?: number };

  // Forwarded host (cross-origin checks of sessionMiddleware).
  /**
   * Header a proxy in front of the app sets to the public host (e.g. "x-forwarded-host"); compared with
   * `Origin` on state-changing requests. Unset, only `Host` counts: a client can send any X-Forwarded-Host.
   * Name it only when every request passes a proxy that overwrites (or appends to) it; the last entry is used.
   * Env: `SESSION_TRUSTED_HOST_HEADER`.
   * @default undefined
   */
  trustedHostHeader?: string;
};

export type TimeoutProfile = { idleTimeoutSeconds: number; absoluteLifetimeSeconds: number };

/** The resolved configuration. `cookieName` is the final name (with `__Host-` when secure). */
export type SessionConfig = {
  secret: string;
  previousSecrets: string[];
  idleTimeoutSeconds: number;
  absoluteLifetimeSeconds: number;
  rememberMe: TimeoutProfile;
  maxSessionsPerUser: number;
  capPolicy: "evict-oldest" | "reject-new";
  touchIntervalSeconds: number;
  revalidateAfterSeconds: number;
  markerTtlSeconds: number;
  keyPrefix: string;
  redis: { timeoutMs: number; retries: number; maxBatch: number; maxInFlight: number; maxWaitMs: number };
  cookieName: string;
  secureCookie: boolean;
  handoffTtlSeconds: number;
  reauthWindowSeconds: number;
  /** `ipHeader` is resolved (the platform's default unless named) and lower case. */
  trustedProxy: TrustedProxy;
  // Forwarded host.
  trustedHostHeader?: string;
};

export const SECRET_ERROR =
  "session: SESSION_SECRET must be at least 32 characters (generate one with: openssl rand -base64 32)";

const seconds = z.int().check(z.positive(), z.lte(400 * 24 * 3600));

const PROXY_COUNT_ERROR = "must be 1 to 10, the number of proxies that append to the header (1 = one proxy)";

// zod/mini (not "zod"): this file is in the Edge middleware bundle, where the full API costs ~25 KiB gzipped.
const schema = z
  .object({
    secret: z.string().check(z.minLength(32, SECRET_ERROR)),
    previousSecrets: z.array(
      z.string().check(z.minLength(32, "each previous secret must be at least 32 characters")),
    ),
    idleTimeoutSeconds: seconds,
    absoluteLifetimeSeconds: seconds,
    rememberMe: z.object({ idleTimeoutSeconds: seconds, absoluteLifetimeSeconds: seconds }),
    maxSessionsPerUser: z.int().check(z.gte(1), z.lte(1000)),
    capPolicy: z.enum(["evict-oldest", "reject-new"]),
    touchIntervalSeconds: seconds,
    revalidateAfterSeconds: z.int().check(z.gte(0), z.lte(3600)),
    markerTtlSeconds: seconds,
    keyPrefix: z
      .string()
      .check(z.minLength(1), z.maxLength(64), z.regex(/^[^{}\s]+$/, "must not contain braces or spaces")),
    redis: z.object({
      timeoutMs: z.int().check(z.gte(1), z.lte(60_000)),
      retries: z.int().check(z.gte(0), z.lte(10)),
      maxBatch: z.int().check(z.gte(1), z.lte(1000)),
      maxInFlight: z.int().check(z.gte(1), z.lte(64)),
      maxWaitMs: z.int().check(z.gte(0), z.lte(1000)),
    }),
    cookieName: z.string().check(
      z.regex(/^[A-Za-z0-9_-]{1,64}$/, "use letters, digits, '_' or '-'"),
      z.refine(
        (name) => !name.startsWith("__"),
        "give the base name; the __Host- prefix is added in secure mode",
      ),
    ),
    secureCookie: z.boolean(),
    handoffTtlSeconds: z.int().check(z.gte(1), z.lte(300)),
    reauthWindowSeconds: z.int().check(z.gte(1), z.lte(86_400)),
    trustedProxy: z.object({
      platform: z.enum(TRUSTED_PLATFORMS, 'must be "vercel", "cloudflare" or "none"'),
      ipHeader: z.optional(
        z
          .string()
          .check(
            z.trim(),
            z.toLowerCase(),
            z.regex(/^[a-z0-9-]{1,64}$/, "must be one header name such as x-forwarded-for or x-real-ip"),
          ),
      ),
      proxyCount: z.int().check(z.gte(1, PROXY_COUNT_ERROR), z.lte(10, PROXY_COUNT_ERROR)),
    }),
    // Forwarded host: a header name, lower-cased.
    trustedHostHeader: z.optional(
      z
        .string()
        .check(
          z.regex(/^[A-Za-z0-9-]{1,64}$/, 'give one header name, e.g. "x-forwarded-host"'),
          z.toLowerCase(),
        ),
    ),
  })
  .check(
    z.superRefine((c, ctx) => {
      const profiles = [
        ["", c.idleTimeoutSeconds, c.absoluteLifetimeSeconds],
        ["rememberMe.", c.rememberMe.idleTimeoutSeconds, c.rememberMe.absoluteLifetimeSeconds],
      ] as const;
      for (const [path, idle, absolute] of profiles) {
        if (idle > absolute) {
          ctx.addIssue({
            code: "custom",
            path: [`${path}idleTimeoutSeconds`],
            message: "must not exceed the absolute lifetime",
          });
        }
        // The effective idle timeout is between (idle - touch interval) and idle, so the interval must be shorter.
        if (c.touchIntervalSeconds + c.revalidateAfterSeconds >= idle) {
          ctx.addIssue({
            code: "custom",
            path: ["touchIntervalSeconds"],
            message: `touchIntervalSeconds + revalidateAfterSeconds must be below ${path}idleTimeoutSeconds (${idle})`,
          });
        }
      }
      // A count above 1 with a single-value header means the operator expects hops that are not there.
      const ipHeader = c.trustedProxy.ipHeader ?? PLATFORM_IP_HEADERS[c.trustedProxy.platform];
      if (c.trustedProxy.proxyCount > 1 && (ipHeader === undefined || !LIST_IP_HEADERS.includes(ipHeader))) {
        ctx.addIssue({
          code: "custom",
          path: ["trustedProxy", "proxyCount"],
          message: `counts hops of x-forwarded-for or forwarded; ${ipHeader ?? "no IP header"} is one value, so leave it at 1 or name a list header in SESSION_TRUSTED_IP_HEADER`,
        });
      }
    }),
  );

// zod/mini loads no messages; this parse alone uses the English ones (no global z.config: the app keeps its own).
const messages = en();

/** Environment variable → config path. */
const ENV = {
  SESSION_SECRET: "secret",
  SESSION_SECRET_PREVIOUS: "previousSecrets",
  SESSION_IDLE_TIMEOUT_SECONDS: "idleTimeoutSeconds",
  SESSION_ABSOLUTE_LIFETIME_SECONDS: "absoluteLifetimeSeconds",
  SESSION_REMEMBER_IDLE_TIMEOUT_SECONDS: "rememberMe.idleTimeoutSeconds",
  SESSION_REMEMBER_ABSOLUTE_LIFETIME_SECONDS: "rememberMe.absoluteLifetimeSeconds",
  SESSION_MAX_SESSIONS_PER_USER: "maxSessionsPerUser",
  SESSION_CAP_POLICY: "capPolicy",
  SESSION_TOUCH_INTERVAL_SECONDS: "touchIntervalSeconds",
  SESSION_REVALIDATE_AFTER_SECONDS: "revalidateAfterSeconds",
  SESSION_MARKER_TTL_SECONDS: "markerTtlSeconds",
  SESSION_KEY_PREFIX: "keyPrefix",
  SESSION_REDIS_TIMEOUT_MS: "redis.timeoutMs",
  SESSION_REDIS_RETRIES: "redis.retries",
  SESSION_REDIS_MAX_BATCH: "redis.maxBatch",
  SESSION_REDIS_MAX_IN_FLIGHT: "redis.maxInFlight",
  SESSION_REDIS_MAX_WAIT_MS: "redis.maxWaitMs",
  SESSION_COOKIE_NAME: "cookieName",
  SESSION_SECURE_COOKIE: "secureCookie",
  SESSION_HANDOFF_TTL_SECONDS: "handoffTtlSeconds",
  SESSION_REAUTH_WINDOW_SECONDS: "reauthWindowSeconds",
  SESSION_TRUSTED_PLATFORM: "trustedProxy.platform",
  SESSION_TRUSTED_IP_HEADER: "trustedProxy.ipHeader",
  SESSION_TRUSTED_PROXY_COUNT: "trustedProxy.proxyCount",
  // Forwarded host.
  SESSION_TRUSTED_HOST_HEADER: "trustedHostHeader",
} as const;

type Env = Record<string, string | undefined>;

function envValue(name: keyof typeof ENV, raw: string): unknown {
  if (name === "SESSION_SECRET_PREVIOUS") {
    return raw
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
  }
  if (name === "SESSION_SECURE_COOKIE") {
    if (raw === "true" || raw === "1") return true;
    if (raw === "false" || raw === "0") return false;
    throw new Error(`session: ${name} must be "true" or "false" (got "${raw}")`);
  }
  const textual: (keyof typeof ENV)[] = [
    "SESSION_SECRET",
    "SESSION_CAP_POLICY",
    "SESSION_KEY_PREFIX",
    "SESSION_COOKIE_NAME",
    "SESSION_TRUSTED_PLATFORM",
    "SESSION_TRUSTED_IP_HEADER",
    "SESSION_TRUSTED_HOST_HEADER",
  ];
  if (textual.includes(name)) return raw;
  if (!/^\d+$/.test(raw)) throw new Error(`session: ${name} must be a whole number (got "${raw}")`);
  return Number(raw);
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const [head, tail] = path.split(".") as [string, string | undefined];
  if (tail === undefined) {
    target[head] = value;
    return;
  }
  const inner = (target[head] ?? {}) as Record<string, unknown>;
  target[head] = { ...inner, [tail]: value };
}

/** `process.env` where it exists (Node, Next.js Edge), else nothing (bare Edge runtimes). */
export function processEnv(): Env {
  return typeof process === "undefined" ? {} : process.env;
}

/**
 * Which opt-in operations the Next.js glue turns on (next.ts `getSessionKit`): metrics and the security activity
 * log, both on unless `SESSION_METRICS=0` / `SESSION_ACTIVITY=0`.
 */
export function operationsFromEnv(env: Env = processEnv()): { metrics: boolean; activity: boolean } {
  return { metrics: env.SESSION_METRICS !== "0", activity: env.SESSION_ACTIVITY !== "0" };
}

/**
 * Builds and validates the configuration: defaults, then `input`, then `SESSION_*` variables from `env`.
 * Throws `session: ...` with the fix when a value is invalid.
 */
export function loadSessionConfig(input: SessionConfigInput = {}, env: Env = processEnv()): SessionConfig {
  const merged: Record<string, unknown> = {
    previousSecrets: [],
    idleTimeoutSeconds: 1800,
    absoluteLifetimeSeconds: 86_400,
    maxSessionsPerUser: 3,
    capPolicy: "evict-oldest",
    touchIntervalSeconds: 60,
    revalidateAfterSeconds: 0,
    markerTtlSeconds: 86_400,
    keyPrefix: "session:",
    cookieName: "session",
    secureCookie: env.NODE_ENV === "production",
    handoffTtlSeconds: 30,
    reauthWindowSeconds: 600,
    ...input,
    rememberMe: { idleTimeoutSeconds: 7 * 86_400, absoluteLifetimeSeconds: 30 * 86_400, ...input.rememberMe },
    redis: { timeoutMs: 1000, retries: 1, maxBatch: 32, maxInFlight: 4, maxWaitMs: 10, ...input.redis },
    trustedProxy: { platform: "none", proxyCount: 1, ...input.trustedProxy },
  };
  for (const name of Object.keys(ENV) as (keyof typeof ENV)[]) {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === "") continue;
    setPath(merged, ENV[name], envValue(name, raw));
  }

  const parsed = schema.safeParse(merged, { error: messages.localeError });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join(".") ?? "config";
    if (path === "secret") throw new Error(SECRET_ERROR);
    // "previousSecrets.0" → config.previousSecrets / SESSION_SECRET_PREVIOUS.
    const field = /^previousSecrets\.\d+$/.test(path) ? "previousSecrets" : path;
    const envName = Object.entries(ENV).find(([, p]) => p === field)?.[0];
    const fix = envName === undefined ? `config.${field}` : `config.${field} or ${envName}`;
    throw new Error(`session: ${path}: ${issue?.message ?? "invalid"} (check ${fix})`);
  }
  const config = parsed.data;
  // Secure mode: `__Host-` makes the browser refuse the cookie unless Secure, Path=/ and no Domain (no subdomain
  // can set or shadow it).
  const cookieName = config.secureCookie ? `__Host-${config.cookieName}` : config.cookieName;
  const { platform, ipHeader, proxyCount } = config.trustedProxy;
  const trustedProxy = { platform, ipHeader: ipHeader ?? PLATFORM_IP_HEADERS[platform], proxyCount };
  return { ...config, cookieName, trustedProxy };
}

/** The timeout profile a session uses. */
export function profileFor(config: SessionConfig, remember: boolean): TimeoutProfile {
  if (remember) return config.rememberMe;
  return {
    idleTimeoutSeconds: config.idleTimeoutSeconds,
    absoluteLifetimeSeconds: config.absoluteLifetimeSeconds,
  };
}
