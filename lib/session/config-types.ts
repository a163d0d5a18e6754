/**
 * The shapes of the kit's configuration: what you may pass (`SessionConfigInput`, every field documented with its
 * environment variable and default) and what the kit resolves it to (`SessionConfig`). The defaults, the
 * validation and the environment layer are in config.ts; nothing here reads the environment.
 */
import type { TrustedPlatform, TrustedProxy } from "./device";

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
