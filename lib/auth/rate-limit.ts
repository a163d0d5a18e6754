/**
 * Sign-in throttling with @upstash/ratelimit over the session store's Redis: one sliding window per client IP,
 * one per account (normalized email), and one per known browser of that account: an attempt that carries the
 * account's device cookie (device-cookie.ts) counts against its own window instead of the account's, so an attacker
 * who closes the account's window does not lock its owner out. A limiter timeout or error counts as a denial
 * (fail closed).
 * Signed-in actions (change password, revoke, sign out everywhere) have windows of their own, per session
 * (`checkSessionThrottle`): the anonymous per-account window is for sign-in only, so a stranger who closes it never
 * keeps the signed-in owner from changing the password or signing the stranger out.
 * The IP comes from the kit's device info, set only when the kit trusts your proxy (SESSION_TRUSTED_PLATFORM, or
 * SESSION_TRUSTED_IP_HEADER with SESSION_TRUSTED_PROXY_COUNT), and then the hop that proxy appended, so a client
 * cannot pick its own key; without it the per-IP window is skipped (one shared "unknown" bucket would let a single
 * client lock everybody out). An IPv6 client is keyed by its /64 (ip-window.ts), which it cannot leave cheaply.
 */
import { Ratelimit } from "@upstash/ratelimit";
import { accountDigest } from "./device-cookie";
import { authEnv } from "./env";
import { ipWindowKey } from "./ip-window";
import {
  loginRateLimitPrefix,
  mailRateLimitPrefix,
  resetRateLimitPrefix,
  sessionRateLimitPrefix,
  signUpRateLimitPrefix,
} from "./keys";
import { authRedis } from "./redis";

export type LoginThrottle =
  | { ok: true }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number }
  | { ok: false; reason: "unavailable" };

type Limiters = {
  ip: Ratelimit;
  account: Ratelimit;
  device: Ratelimit;
  signUp: Ratelimit;
  sessionPassword: Ratelimit;
  sessionAction: Ratelimit;
  resetIp: Ratelimit;
  mail: Record<MailWindow, Ratelimit>;
};

/** The per-address mail windows: sign-up mails, verification resends, reset links. */
export type MailWindow = "signup" | "verify" | "reset";

let limiters: Limiters | undefined;

function authLimiters(): Limiters {
  if (limiters !== undefined) return limiters;
  const env = authEnv();
  const redis = authRedis();
  const window = (
    limiter: ConstructorParameters<typeof Ratelimit>[0]["limiter"],
    prefix: string,
  ): Ratelimit =>
    new Ratelimit({
      redis,
      limiter,
      prefix,
      timeout: env.AUTH_REDIS_TIMEOUT_MS,
      analytics: false,
      ephemeralCache: false,
    });
  const mailWindow = (kind: MailWindow): Ratelimit =>
    window(
      Ratelimit.slidingWindow(env.AUTH_MAIL_LIMIT_PER_ADDRESS, "15 m"),
      mailRateLimitPrefix(env.AUTH_KEY_PREFIX, kind),
    );
  const login = (scope: "ip" | "account" | "device"): string =>
    loginRateLimitPrefix(env.AUTH_KEY_PREFIX, scope);
  limiters = {
    ip: window(Ratelimit.slidingWindow(env.AUTH_LOGIN_LIMIT_PER_IP_PER_MINUTE, "1 m"), login("ip")),
    account: window(Ratelimit.slidingWindow(env.AUTH_LOGIN_LIMIT_PER_ACCOUNT, "15 m"), login("account")),
    // A known browser gets the account's allowance for itself.
    device: window(Ratelimit.slidingWindow(env.AUTH_LOGIN_LIMIT_PER_ACCOUNT, "15 m"), login("device")),
    signUp: window(
      Ratelimit.slidingWindow(env.AUTH_SIGNUP_LIMIT_PER_IP_PER_HOUR, "1 h"),
      signUpRateLimitPrefix(env.AUTH_KEY_PREFIX),
    ),
    // A signed-in session checking its password (change password) gets the account's allowance for itself.
    sessionPassword: window(
      Ratelimit.slidingWindow(env.AUTH_LOGIN_LIMIT_PER_ACCOUNT, "15 m"),
      sessionRateLimitPrefix(env.AUTH_KEY_PREFIX, "password"),
    ),
    sessionAction: window(
      Ratelimit.slidingWindow(env.AUTH_SESSION_ACTIONS_PER_MINUTE, "1 m"),
      sessionRateLimitPrefix(env.AUTH_KEY_PREFIX, "action"),
    ),
    resetIp: window(
      Ratelimit.slidingWindow(env.AUTH_RESET_LIMIT_PER_IP_PER_HOUR, "1 h"),
      resetRateLimitPrefix(env.AUTH_KEY_PREFIX),
    ),
    // 15 minutes, shorter than the 30-minute reset link: whenever the window is closed, the mails that closed it
    // were sent within it, so the owner's mailbox holds a link that still works.
    mail: {
      signup: mailWindow("signup"),
      verify: mailWindow("verify"),
      reset: mailWindow("reset"),
    },
  };
  return limiters;
}

/** `{id}`: both window keys of one identifier share a cluster slot; encoded so no "{" or "}" can move the tag. */
function slotTag(identifier: string): string {
  return `{${encodeURIComponent(identifier)}}`;
}

// Keys carry a digest, not the email itself.
function accountIdentifier(normalizedEmail: string): string {
  return slotTag(accountDigest(normalizedEmail));
}

function verdict(
  results: ReadonlyArray<{ success: boolean; reset: number; reason?: string }>,
): LoginThrottle {
  // On timeout the library answers success: true with reason "timeout"; we refuse instead.
  if (results.some((result) => result.reason === "timeout")) return { ok: false, reason: "unavailable" };
  const denied = results.filter((result) => !result.success);
  if (denied.length === 0) return { ok: true };
  const resetAt = Math.max(...denied.map((result) => result.reset));
  return {
    ok: false,
    reason: "throttled",
    retryAfterSeconds: Math.max(1, Math.ceil((resetAt - Date.now()) / 1000)),
  };
}

/** Consumes one sign-up from the client's IP window; no IP known (no trusted header) means no IP window. */
export async function checkSignUpThrottle(ip: string | undefined): Promise<LoginThrottle> {
  if (ip === undefined || ip === "") return { ok: true };
  try {
    return verdict([await authLimiters().signUp.limit(slotTag(ipWindowKey(ip)))]);
  } catch {
    return { ok: false, reason: "unavailable" };
  }
}

/**
 * Consumes one attempt from the IP window and from the account's window, or, with `deviceId` (from a device
 * cookie that `readDeviceCookie` accepted for this account), from that browser's own window instead. Call before
 * any password work.
 */
export async function checkLoginThrottle(input: {
  ip: string | undefined;
  normalizedEmail: string;
  deviceId?: string;
}): Promise<LoginThrottle> {
  const { ip, account, device } = authLimiters();
  try {
    const checks = [
      input.deviceId === undefined
        ? account.limit(accountIdentifier(input.normalizedEmail))
        : device.limit(slotTag(input.deviceId)),
    ];
    if (input.ip !== undefined && input.ip !== "") checks.push(ip.limit(slotTag(ipWindowKey(input.ip))));
    return verdict(await Promise.all(checks));
  } catch {
    return { ok: false, reason: "unavailable" };
  }
}

/**
 * Consumes one attempt from a signed-in session's own window: "password" for actions that check the current
 * password (AUTH_LOGIN_LIMIT_PER_ACCOUNT per 15 minutes), "action" for the other account actions
 * (AUTH_SESSION_ACTIONS_PER_MINUTE). Keyed by the session's public id, never by the account, so nobody else can
 * use it up.
 */
export async function checkSessionThrottle(
  sessionId: string,
  scope: "password" | "action",
): Promise<LoginThrottle> {
  const { sessionPassword, sessionAction } = authLimiters();
  try {
    const limiter = scope === "password" ? sessionPassword : sessionAction;
    return verdict([await limiter.limit(slotTag(sessionId))]);
  } catch {
    return { ok: false, reason: "unavailable" };
  }
}

/** Consumes one reset request from the client's IP window; no IP known means no IP window (as for sign-ups). */
export async function checkResetThrottle(ip: string | undefined): Promise<LoginThrottle> {
  if (ip === undefined || ip === "") return { ok: true };
  try {
    return verdict([await authLimiters().resetIp.limit(slotTag(ip))]);
  } catch {
    return { ok: false, reason: "unavailable" };
  }
}

/**
 * Consumes one mail of `kind` from the address's window (the digest of the normalized email is the key). Callers
 * answer the same whatever it says, so the window never tells whether the address is registered.
 */
export async function checkMailThrottle(normalizedEmail: string, kind: MailWindow): Promise<LoginThrottle> {
  try {
    return verdict([await authLimiters().mail[kind].limit(accountIdentifier(normalizedEmail))]);
  } catch {
    return { ok: false, reason: "unavailable" };
  }
}
