/**
 * Every Redis key the starter app's accounts use, built in one place.
 * `prefix` comes from AUTH_KEY_PREFIX (default "app:").
 */

/**
 * `{prefix}user:{userId}`: hash with id, email, passwordHash, createdAt (ms), and `emailChange` (the id of the
 * pending email change, email-index.ts) while one is pending.
 */
export function userKey(prefix: string, userId: string): string {
  return `${prefix}user:${userId}`;
}

/**
 * `{prefix}email:{normalizedEmail}`: string holding the user id; written with SET NX so emails stay unique. After an
 * email change the old address holds `~<user id>` until its "this wasn't me" link expires: reserved for the way
 * back, and no sign-in (email-index.ts).
 */
export function emailKey(prefix: string, normalizedEmail: string): string {
  return `${prefix}email:${normalizedEmail}`;
}

/**
 * `{prefix}email-change:{sha256-hex of token}`: string, JSON {kind: "confirm" | "revert", userId, from, to, changeId},
 * TTL = the link's lifetime. Read and deleted at once (GETDEL): each link works once (email-change.ts).
 */
export function emailChangeTokenKey(prefix: string, tokenHash: string): string {
  return `${prefix}email-change:${tokenHash}`;
}

/** `{prefix}email-change-lock:{userId}`: string, a random owner id, PX 10 s: confirm and revert one at a time. */
export function emailChangeLockKey(prefix: string, userId: string): string {
  return `${prefix}email-change-lock:${userId}`;
}

/**
 * `{prefix}ratelimit:login:ip`, `…:account` and `…:device` (a known browser's own window, device-cookie.ts):
 * @upstash/ratelimit key prefixes.
 */
export function loginRateLimitPrefix(prefix: string, scope: "ip" | "account" | "device"): string {
  return `${prefix}ratelimit:login:${scope}`;
}

/** `{prefix}ratelimit:signup:ip`: @upstash/ratelimit key prefix for sign-ups per client IP. */
export function signUpRateLimitPrefix(prefix: string): string {
  return `${prefix}ratelimit:signup:ip`;
}

/**
 * `{prefix}ratelimit:session:password` and `…:action`: @upstash/ratelimit key prefixes of a signed-in session's own
 * windows (rate-limit.ts `checkSessionThrottle`).
 */
export function sessionRateLimitPrefix(prefix: string, scope: "password" | "action"): string {
  return `${prefix}ratelimit:session:${scope}`;
}

/**
 * `{prefix}ratelimit:mail:{kind}`: @upstash/ratelimit key prefixes of the per-address mail windows (sign-up mails,
 * verification resends, reset links), and `{prefix}ratelimit:reset:ip` for reset requests per client IP.
 */
export function mailRateLimitPrefix(prefix: string, kind: "signup" | "verify" | "reset"): string {
  return `${prefix}ratelimit:mail:${kind}`;
}

export function resetRateLimitPrefix(prefix: string): string {
  return `${prefix}ratelimit:reset:ip`;
}

/**
 * `{prefix}token:{purpose}:{sha256 hex of the token}`: string, JSON `{u: userId, e: expiry ms, c?: credential
 * version}` of a single-use link (account-tokens.ts); only the hash of the token is ever stored.
 */
export function accountTokenKey(prefix: string, purpose: "verify" | "reset", tokenHash: string): string {
  return `${prefix}token:${purpose}:${tokenHash}`;
}

/** `{prefix}admin:audit`: list of admin actions (lib/ops/audit.ts), newest first, capped. */
export function adminAuditKey(prefix: string): string {
  return `${prefix}admin:audit`;
}
