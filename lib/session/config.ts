/**
 * Session policy and configuration.
 *
 * What: one validated `SessionConfig` built from three layers, lowest first: the defaults below, the `config`
 * object you pass in code, then `SESSION_*` environment variables (so operators can tune a deployed app without a
 * code change). zod checks the merged result; a bad value throws `session: <field>: <problem> (<how to fix>)`.
 * Data model: every duration carries its unit; one profile (idle + absolute) feeds both the Redis TTL and the
 * cookie Max-Age ("remember me" only; other cookies end with the browser), so the cookie can never outlive the
 * server-side session.
 * Seam: add a field to the types (config-types.ts), the schema and `ENV` below, and read it as `ctx.config`
 * where the kit uses it (context.ts).
 */
import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";
import type { SessionConfig, SessionConfigInput, TimeoutProfile } from "./config-types";
import { LIST_IP_HEADERS, PLATFORM_IP_HEADERS, TRUSTED_PLATFORMS } from "./device";

export type { SessionConfig, SessionConfigInput, TimeoutProfile } from "./config-types";

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
