/**
 * Every Redis key the starter app's accounts use, built in one place.
 * `prefix` comes from AUTH_KEY_PREFIX (default "app:").
 */

/** `{prefix}user:{userId}`: hash with id, email, passwordHash, createdAt (ms). */
export function userKey(prefix: string, userId: string): string {
  return `${prefix}user:${userId}`;
}

/** `{prefix}email:{normalizedEmail}`: string holding the user id; written with SET NX so emails stay unique. */
export function emailKey(prefix: string, normalizedEmail: string): string {
  return `${prefix}email:${normalizedEmail}`;
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

/** `{prefix}admin:audit`: list of admin actions (lib/ops/audit.ts), newest first, capped. */
export function adminAuditKey(prefix: string): string {
  return `${prefix}admin:audit`;
}
