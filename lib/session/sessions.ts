/**
 * The session operations: create, validate, touch, list, revoke.
 *
 * What: `createSessionKit()` wires config, cookie sealing, the Redis store and the hand-off signer into the
 * verb-named functions your app calls. Expected outcomes are values (`{ ok: false, reason }`); a store error is
 * `reason: "unavailable"`, never a sign-out; misuse (empty user id, bad config) throws `session: ...`.
 * Cost per call (Redis commands): validate 1 (GET) — 0 inside the optional revalidate window; touch 1 script
 * (at most once per touchIntervalSeconds per session); create 1 script (+1 when replacing another user's cookie);
 * list / validate-and-list / revoke-one / revoke-others / revoke-all / logout 1 script each. Create, revoke and
 * logout add one metrics script handed to `defer` (after the response); a due touch adds one too (it is off the
 * hot path already).
 * Seam: `now` (an injectable clock, ms) and `redis` (any @upstash/redis client) are the two things to swap.
 */
import type { Redis } from "@upstash/redis";
import {
  loadSessionConfig,
  processEnv,
  profileFor,
  type SessionConfig,
  type SessionConfigInput,
} from "./config";
import {
  buildCookie,
  buildEndedCookie,
  buildPasswords,
  sealCookie,
  unsealCookie,
  type CookiePayload,
  type Passwords,
} from "./cookie";
import { normalizeDevice } from "./device";
import {
  activityArgs,
  encodeFailedAttempt,
  fingerprintDevice,
  type ActivityEntry,
  type ActivityOptions,
} from "./activity";
import { readMetrics, recordMetrics, type MetricsTarget } from "./bookkeep";
import { createHandoffSigner } from "./handoff";
import { createReportSigner } from "./notify";
import { metricsKeys, userKeys } from "./keys";
import { LOG_ACTIVITY } from "./lua/activity-log";
import { READ_ACTIVITY } from "./lua/activity-read";
import { CREATE } from "./lua/create";
import { LIST } from "./lua/list";
import { LOGOUT } from "./lua/logout";
import type { EndedReply } from "./lua/prelude";
import { REPORT } from "./lua/report";
import { REVOKE_ALL } from "./lua/revoke-all";
import { REVOKE_ONE } from "./lua/revoke-one";
import { REVOKE_OTHERS } from "./lua/revoke-others";
import { TOUCH } from "./lua/touch";
import { VALIDATE_LIST } from "./lua/validate-list";
import type { MetricEvent, MetricsSnapshot } from "./metrics";
import { decodeStoredValue, encodeSession, type StoredValue } from "./record";
import { attempt, createStore, createStoreClient, runScript, UNAVAILABLE } from "./store";
import { generatePublicId, generateSessionToken, hashSessionToken, isPublicId } from "./token";
import type {
  CreateSessionInput,
  CreateSessionResult,
  CredentialVersionResult,
  DeviceInfo,
  EndedReason,
  Handoff,
  HealthResult,
  ListSessionsResult,
  RevokeManyResult,
  RevokeSessionResult,
  Session,
  SessionCookie,
  SessionListing,
  TouchResult,
  ValidationResult,
  ValidationWithListing,
} from "./types";

export type SessionKitOptions = {
  /** Policy overrides; `SESSION_*` environment variables override these (see config.ts). */
  config?: SessionConfigInput;
  /** Your own client; default: one built from UPSTASH_REDIS_REST_URL/TOKEN with timeout, retries, no telemetry. */
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

export interface SessionKit {
  config: SessionConfig;
  createSession(input: CreateSessionInput): Promise<CreateSessionResult>;
  /**
   * The user's credential version (one GET). Sign-in reads it BEFORE it reads the password hash and passes it to
   * `createSession({ credentialVersion })`: a password change that lands in between makes the create refuse.
   */
  readCredentialVersion(userId: string): Promise<CredentialVersionResult>;
  validateSessionToken(cookieValue: string | undefined): Promise<ValidationResult>;
  touchSession(cookieValue: string): Promise<TouchResult>;
  /** Validate, and run the touch right away when due (for callers without `waitUntil`/`after`). */
  validateAndTouchSession(cookieValue: string | undefined): Promise<ValidationResult>;
  /** With `activityLimit`, the user's newest security activity comes back in the same round trip. */
  listUserSessions(userId: string, options?: { activityLimit?: number }): Promise<ListSessionsResult>;
  /**
   * `validateSessionToken` and `listUserSessions` for the cookie's user in ONE round trip (one script): for a
   * page that shows the user's sessions. The listing is read only when the session is valid. Always asks Redis
   * (the revalidate window does not apply: the list has to be read anyway).
   */
  validateAndListSessions(
    cookieValue: string | undefined,
    options?: { activityLimit?: number },
  ): Promise<ValidationWithListing>;
  revokeSession(userId: string, sessionId: string, reason?: "revoked"): Promise<RevokeSessionResult>;
  revokeOtherSessions(userId: string, currentCookieValue: string): Promise<RevokeManyResult>;
  revokeUserSessions(userId: string, reason?: "revoked" | "password_changed"): Promise<RevokeManyResult>;
  revokeCurrentSession(cookieValue: string): Promise<{ ok: true } | { ok: false; reason: "unavailable" }>;
  clearedCookie(): SessionCookie;
  /**
   * The cookie that keeps why this browser's session ended after its session cookie is cleared (cookie.ts), or
   * with `null` the one that deletes it. Lives `markerTtlSeconds`; read it back with `parseEndedReason`.
   */
  endedCookie(reason: EndedReason | null): SessionCookie;
  checkHealth(): Promise<HealthResult>;
  /**
   * Signs the middleware → render hand-off header for a session validated with this exact cookie value; with
   * `listing` (from `validateAndListSessions`) the header carries it too, when it fits (handoff.ts).
   */
  signHandoff(
    session: Session,
    cookieValue: string,
    listing?: SessionListing & { activityLimit: number },
  ): Promise<string>;
  /** What a hand-off header carries, or null unless signature, expiry and cookie binding all hold. */
  verifyHandoff(header: string | null | undefined, cookieValue: string | undefined): Promise<Handoff | null>;
  /**
   * Counts a failed sign-in attempt in the metrics and, when the account exists, logs it in that user's
   * activity (best effort, never throws).
   */
  recordFailedSignIn(attempt?: { userId: string; device: DeviceInfo }): Promise<void>;
  /** Signs a "This wasn't me" token for one session of this user (notify.ts). @default ttlSeconds 86400 */
  signReportToken(userId: string, sessionId: string, ttlSeconds?: number): Promise<string>;
  /** Redeems a report token once: revokes that session. "used" the second time, "expired" after its expiry. */
  redeemReportToken(
    token: string,
  ): Promise<
    | { ok: true; userId: string; revoked: boolean }
    | { ok: false; reason: "invalid" | "expired" | "used" | "unavailable" }
  >;
  /** The user's security activity, newest first (empty when the log is off). */
  listSecurityActivity(
    userId: string,
    limit?: number,
  ): Promise<{ ok: true; entries: ActivityEntry[] } | { ok: false; reason: "unavailable" }>;
  /** Current metrics: active sessions, rates, durations, failed sign-ins, per-user concurrency. */
  readMetrics(): Promise<{ ok: true; metrics: MetricsSnapshot } | { ok: false; reason: "unavailable" }>;
}

/** How long, and how many, opened cookies a kit instance keeps (see `open` below). */
const OPENED_TTL_MS = 60_000;
const OPENED_MAX = 1000;
const DECODED_MAX = 1000;

/** Sets `key` as the newest entry of an insertion-ordered cache; beyond `max` entries the oldest goes. */
function putBounded<V>(cache: Map<string, V>, key: string, value: V, max: number): void {
  cache.delete(key);
  cache.set(key, value);
  if (cache.size > max) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
}

/** The caller's own copy of a cached decode: nobody can change what the next validation reads. */
function copyStored(stored: StoredValue): StoredValue {
  if (stored.kind !== "session") return stored;
  return { kind: "session", session: { ...stored.session, device: { ...stored.session.device } } };
}

function assertUserId(userId: unknown, operation: string): asserts userId is string {
  if (typeof userId !== "string" || userId === "" || userId.length > 256) {
    throw new Error(`session: ${operation} needs a userId string of 1-256 characters`);
  }
}

function assertReason(reason: unknown, allowed: readonly string[], operation: string): void {
  if (typeof reason !== "string" || !allowed.includes(reason)) {
    throw new Error(`session: ${operation} reason must be one of ${allowed.join(", ")}`);
  }
}

export function createSessionKit(options: SessionKitOptions = {}): SessionKit {
  const env = options.env ?? processEnv();
  const config = loadSessionConfig(options.config, env);
  const now = options.now ?? ((): number => Date.now());
  const store = createStore(options.redis ?? createStoreClient(config, env));
  const handoff = createHandoffSigner(config.secret, config.handoffTtlSeconds, now);
  const reports = createReportSigner(config.secret, now);
  const markerMs = config.markerTtlSeconds * 1000;
  const windowMs = config.revalidateAfterSeconds * 1000;
  const logArgs = activityArgs(options.activity);
  const longestLifetimeSeconds = Math.max(
    config.absoluteLifetimeSeconds,
    config.rememberMe.absoluteLifetimeSeconds,
  );
  const metrics: MetricsTarget = {
    store,
    now,
    metricsKeys: metricsKeys(config.keyPrefix),
    metricsKeepSeconds: Math.max(90 * 86400, longestLifetimeSeconds + 86400),
  };
  /** Metric events are written in a separate call (another cluster slot), after the response when possible. */
  const bookkeep = async (events: MetricEvent[]): Promise<void> => {
    if (options.metrics !== true || events.length === 0) return;
    const task = (): Promise<void> => recordMetrics(metrics, events);
    if (options.defer === undefined) await task();
    else options.defer(task);
  };
  /** Events for a revoking script's reply. */
  const endings = (userId: string, reply: EndedReply): MetricEvent[] => [
    ...reply.ended,
    { type: "user_live", user: userId, live: reply.live },
  ];

  let passwords: Promise<Passwords> | undefined;
  const getPasswords = (): Promise<Passwords> => (passwords ??= buildPasswords(config));

  // Opened cookies, so a browser's repeat requests skip the unseal and the SHA-256 (most of a validation's own
  // CPU next to one GET). Keyed by the exact sealed value; kept at most OPENED_TTL_MS and OPENED_MAX entries.
  // Safe to reuse: liveness, expiry and revocation are still decided by the Redis record on every validation.
  const opened = new Map<string, { payload: CookiePayload; hash: string; until: number }>();
  const open = async (
    cookieValue: string | undefined,
  ): Promise<{ payload: CookiePayload; hash: string } | null> => {
    if (cookieValue === undefined || cookieValue === "") return null;
    const clock = Date.now();
    const hit = opened.get(cookieValue);
    if (hit !== undefined && hit.until > clock) return hit;
    const payload = await unsealCookie(cookieValue, await getPasswords());
    if (payload === null) return null;
    const entry = { payload, hash: await hashSessionToken(payload.t), until: clock + OPENED_TTL_MS };
    putBounded(opened, cookieValue, entry, OPENED_MAX);
    return entry;
  };

  // Decoded records, keyed by the exact stored text: a browser's repeat requests read the same value until its
  // next touch rewrites it, so the zod decode (most of a validation's own CPU next to the GET) runs once per value.
  // Decoding is a pure function of the text, so reuse is safe; `judge` still checks expiry and the user every time.
  const decoded = new Map<string, StoredValue>();
  const decode = (value: unknown): StoredValue => {
    if (typeof value !== "string") return decodeStoredValue(value);
    let stored = decoded.get(value);
    if (stored === undefined) {
      stored = decodeStoredValue(value);
      putBounded(decoded, value, stored, DECODED_MAX);
    }
    return copyStored(stored);
  };

  /** Cookie for a session; with the revalidate window on, it carries the validated snapshot. */
  const issueCookie = async (token: string, session: Session, at: number): Promise<SessionCookie> => {
    const payload: CookiePayload = { u: session.userId, t: token };
    if (windowMs > 0) {
      payload.s = session;
      payload.v = at;
    }
    const lifetimeSeconds = (session.absoluteExpiresAt - at) / 1000;
    const value = await sealCookie(payload, await getPasswords(), lifetimeSeconds);
    return buildCookie(config, value, lifetimeSeconds);
  };

  /** Decides a validation from the session key's value (a GET's reply): the one place liveness is judged. */
  const judge = async (payload: CookiePayload, value: unknown, at: number): Promise<ValidationResult> => {
    const stored = decode(value);
    if (stored.kind === "absent") return { ok: false, reason: "expired" };
    if (stored.kind === "marker") return { ok: false, reason: stored.reason };
    if (stored.kind === "invalid") return { ok: false, reason: "malformed" };
    const session = stored.session;
    if (session.userId !== payload.u) return { ok: false, reason: "malformed" };
    if (session.expiresAt <= at || session.absoluteExpiresAt <= at) return { ok: false, reason: "expired" };

    const touchDue = at - session.lastActiveAt >= config.touchIntervalSeconds * 1000;
    if (windowMs === 0) return { ok: true, session, touchDue };
    return { ok: true, session, touchDue, cookie: await issueCookie(payload.t, session, at) };
  };

  const kit: SessionKit = {
    config,

    async createSession(input) {
      assertUserId(input.userId, "createSession");
      if (input.label !== undefined && (typeof input.label !== "string" || input.label.length > 512)) {
        throw new Error("session: createSession label must be a string of at most 512 characters");
      }
      const remember = input.remember === true;
      const profile = profileFor(config, remember);
      const at = now();
      const token = generateSessionToken();
      const hash = await hashSessionToken(token);
      const absoluteExpiresAt = at + profile.absoluteLifetimeSeconds * 1000;
      const session: Session = {
        id: generatePublicId(),
        userId: input.userId,
        createdAt: at,
        lastActiveAt: at,
        expiresAt: Math.min(at + profile.idleTimeoutSeconds * 1000, absoluteExpiresAt),
        absoluteExpiresAt,
        remember,
        device: normalizeDevice(input.device),
        ...(input.label === undefined ? {} : { label: input.label }),
      };

      // The browser's previous session is revoked in the same script when it belongs to this user; another
      // user's session lives in another hash slot, so it is signed out first, separately.
      let replaceHash = "";
      const previousOpened = await open(input.replaceCookie);
      const previous = previousOpened?.payload ?? null;
      if (previous !== null && previous.u === input.userId) {
        replaceHash = previousOpened?.hash ?? "";
      } else if (previous !== null && input.replaceCookie !== undefined) {
        const loggedOut = await kit.revokeCurrentSession(input.replaceCookie);
        if (!loggedOut.ok) return UNAVAILABLE;
      }

      if (input.credentialVersion !== undefined && !isCredentialVersion(input.credentialVersion)) {
        throw new Error(
          "session: createSession credentialVersion must be the string readCredentialVersion returned",
        );
      }
      const keys = userKeys(config.keyPrefix, input.userId);
      const fingerprint = logArgs.length > 0 ? await fingerprintDevice(session.device) : undefined;
      const result = await runScript(store, CREATE, {
        keys,
        hash,
        record: encodeSession(session),
        ttlMs: session.expiresAt - at,
        now: at,
        cap: config.maxSessionsPerUser,
        policy: config.capPolicy,
        revokeOthers: input.revokeOtherSessions === true,
        markerMs,
        replaceHash,
        credentialVersion: input.credentialVersion ?? "",
        knownDevice: input.knownDevice === true,
        activity: logArgs,
        fingerprint,
      });
      if (!result.ok) return result;
      const reply = result.value;
      if (reply.status === "stale_credentials") return { ok: false, reason: "stale_credentials" };
      if (reply.status === "limit_reached") return { ok: false, reason: "limit_reached" };
      if (reply.status !== "created") return UNAVAILABLE;
      await bookkeep([
        ...reply.ended,
        {
          type: "created",
          hash,
          user: input.userId,
          createdAt: at,
          expiresAt: session.expiresAt,
          live: reply.live,
        },
      ]);
      const cookie = await issueCookie(token, session, at);
      const { evicted, credentialVersion } = reply;
      const base = { ok: true as const, session, cookie, evicted, credentialVersion };
      if (logArgs.length === 0) return base;
      return { ...base, newDevice: reply.newDevice };
    },

    async readCredentialVersion(userId) {
      assertUserId(userId, "readCredentialVersion");
      const result = await attempt(() => store.get(userKeys(config.keyPrefix, userId).credentials));
      if (!result.ok) return UNAVAILABLE;
      const version = result.value === null || result.value === undefined ? "0" : String(result.value);
      return isCredentialVersion(version) ? { ok: true, version } : UNAVAILABLE;
    },

    async validateSessionToken(cookieValue) {
      if (cookieValue === undefined || cookieValue === "") return { ok: false, reason: "missing" };
      const cookie = await open(cookieValue);
      if (cookie === null) return { ok: false, reason: "malformed" };
      const payload = cookie.payload;
      const at = now();

      // Zero-round-trip window: trust a snapshot validated less than `revalidateAfterSeconds` ago.
      const snapshot = payload.s;
      if (
        windowMs > 0 &&
        snapshot !== undefined &&
        payload.v !== undefined &&
        snapshot.userId === payload.u
      ) {
        const age = at - payload.v;
        if (age >= 0 && age < windowMs) {
          if (snapshot.expiresAt <= at || snapshot.absoluteExpiresAt <= at)
            return { ok: false, reason: "expired" };
          return { ok: true, session: snapshot, touchDue: false };
        }
      }

      const key = userKeys(config.keyPrefix, payload.u).session(cookie.hash);
      const result = await attempt(() => store.get(key));
      if (!result.ok) return UNAVAILABLE;
      return judge(payload, result.value, at);
    },

    async validateAndListSessions(cookieValue, options = {}) {
      if (cookieValue === undefined || cookieValue === "") return { ok: false, reason: "missing" };
      const cookie = await open(cookieValue);
      if (cookie === null) return { ok: false, reason: "malformed" };
      const { payload } = cookie;
      const at = now();
      const keys = userKeys(config.keyPrefix, payload.u);
      const { activityLimit } = options;
      const result = await runScript(store, VALIDATE_LIST, {
        userId: payload.u,
        keys,
        hash: cookie.hash,
        now: at,
        activityLimit,
      });
      if (!result.ok) return result;
      const reply = result.value;
      if (reply.state === "unexpected") return UNAVAILABLE;
      const judged = await judge(payload, reply.value, at);
      if (!judged.ok) return judged;
      // The script found no live record where this judged one live: never hand out a listing then.
      if (reply.state !== "live") return { ok: false, reason: "expired" };
      return { ...judged, listing: reply.listing };
    },

    async touchSession(cookieValue) {
      const openedCookie = await open(cookieValue);
      if (openedCookie === null) return { ok: true, touched: false };
      const { payload, hash } = openedCookie;
      const keys = userKeys(config.keyPrefix, payload.u);
      const result = await runScript(store, TOUCH, {
        keys,
        hash,
        now: now(),
        idleMs: config.idleTimeoutSeconds * 1000,
        rememberIdleMs: config.rememberMe.idleTimeoutSeconds * 1000,
        touchIntervalMs: config.touchIntervalSeconds * 1000,
      });
      if (!result.ok) return result;
      const expiresAt = result.value;
      if (expiresAt === 0) return { ok: true, touched: false };
      // A touch already runs off the hot path (waitUntil/after): record inline, at most once per touch interval.
      if (options.metrics === true) await recordMetrics(metrics, [{ type: "touched", hash, expiresAt }]);
      return { ok: true, touched: true };
    },

    async validateAndTouchSession(cookieValue) {
      const result = await kit.validateSessionToken(cookieValue);
      if (result.ok && result.touchDue && cookieValue !== undefined) await kit.touchSession(cookieValue);
      return result;
    },

    async listUserSessions(userId, options = {}) {
      assertUserId(userId, "listUserSessions");
      const keys = userKeys(config.keyPrefix, userId);
      const { activityLimit } = options;
      const result = await runScript(store, LIST, { userId, keys, now: now(), activityLimit });
      if (!result.ok) return result;
      return { ok: true, ...result.value };
    },

    async revokeSession(userId, sessionId, reason = "revoked") {
      assertUserId(userId, "revokeSession");
      assertReason(reason, ["revoked"], "revokeSession");
      // Public ids are looked up only inside this user's index: another user's session is unreachable.
      if (typeof sessionId !== "string" || !isPublicId(sessionId)) return { ok: true, revoked: false };
      const keys = userKeys(config.keyPrefix, userId);
      const result = await runScript(store, REVOKE_ONE, {
        keys,
        publicId: sessionId,
        reason,
        now: now(),
        markerMs,
        activity: logArgs,
      });
      if (!result.ok) return result;
      await bookkeep(endings(userId, result.value));
      return { ok: true, revoked: result.value.count === 1 };
    },

    async revokeOtherSessions(userId, currentCookieValue) {
      assertUserId(userId, "revokeOtherSessions");
      const openedCookie = await open(currentCookieValue);
      if (openedCookie === null || openedCookie.payload.u !== userId) {
        throw new Error(
          "session: revokeOtherSessions needs the current, valid session cookie of that same user",
        );
      }
      const keys = userKeys(config.keyPrefix, userId);
      const hash = openedCookie.hash;
      const result = await runScript(store, REVOKE_OTHERS, {
        keys,
        hash,
        now: now(),
        markerMs,
        activity: logArgs,
      });
      if (!result.ok) return result;
      await bookkeep(endings(userId, result.value));
      return { ok: true, revoked: result.value.count };
    },

    async revokeUserSessions(userId, reason = "revoked") {
      assertUserId(userId, "revokeUserSessions");
      assertReason(reason, ["revoked", "password_changed"], "revokeUserSessions");
      const keys = userKeys(config.keyPrefix, userId);
      const result = await runScript(store, REVOKE_ALL, {
        keys,
        reason,
        now: now(),
        markerMs,
        activity: logArgs,
      });
      if (!result.ok) return result;
      await bookkeep(endings(userId, result.value));
      return { ok: true, revoked: result.value.count };
    },

    async revokeCurrentSession(cookieValue) {
      const openedCookie = await open(cookieValue);
      if (openedCookie === null) return { ok: true };
      const { payload, hash } = openedCookie;
      const keys = userKeys(config.keyPrefix, payload.u);
      const result = await runScript(store, LOGOUT, { keys, hash, now: now(), activity: logArgs });
      if (!result.ok) return result;
      await bookkeep(endings(payload.u, result.value));
      return { ok: true };
    },

    clearedCookie() {
      return buildCookie(config, "", 0);
    },

    endedCookie(reason) {
      return buildEndedCookie(config, reason);
    },

    async checkHealth() {
      const started = Date.now();
      try {
        await store.ping();
        return { ok: true, latencyMs: Date.now() - started };
      } catch (error) {
        return { ok: false, reason: error instanceof Error ? error.name : "error" };
      }
    },

    signHandoff: (session, cookieValue, listing) => handoff.sign(session, cookieValue, listing),
    verifyHandoff: (header, cookieValue) => handoff.verify(header, cookieValue),

    async recordFailedSignIn(failed) {
      await bookkeep([{ type: "failed_sign_in" }]);
      if (failed === undefined || logArgs.length === 0) return;
      assertUserId(failed.userId, "recordFailedSignIn");
      const device = normalizeDevice(failed.device);
      const entry = encodeFailedAttempt(now(), await fingerprintDevice(device), device);
      const log = userKeys(config.keyPrefix, failed.userId).log;
      const write = (): Promise<unknown> => runScript(store, LOG_ACTIVITY, { log, entry, activity: logArgs });
      if (options.defer === undefined) await write();
      else options.defer(write);
    },

    async signReportToken(userId, sessionId, ttlSeconds = 86_400) {
      assertUserId(userId, "signReportToken");
      return reports.sign(userId, sessionId, generatePublicId(), ttlSeconds);
    },

    async redeemReportToken(token) {
      const payload = typeof token === "string" ? await reports.verify(token) : null;
      if (payload === null) return { ok: false, reason: "invalid" };
      if (payload === "expired") return { ok: false, reason: "expired" };
      const keys = userKeys(config.keyPrefix, payload.userId);
      const at = now();
      const result = await runScript(store, REPORT, {
        keys,
        nonce: payload.nonce,
        publicId: payload.sessionId,
        now: at,
        markerMs,
        usedTtlMs: Math.max(1, payload.expiresAt - at),
        activity: logArgs,
      });
      if (!result.ok) return result;
      if (result.value.count === -1) return { ok: false, reason: "used" };
      await bookkeep(endings(payload.userId, result.value));
      return { ok: true, userId: payload.userId, revoked: result.value.count === 1 };
    },

    async listSecurityActivity(userId, limit = 20) {
      assertUserId(userId, "listSecurityActivity");
      const log = userKeys(config.keyPrefix, userId).log;
      const result = await runScript(store, READ_ACTIVITY, { log, limit });
      if (!result.ok) return result;
      return { ok: true, entries: result.value };
    },

    readMetrics: () => readMetrics(metrics),
  };
  return kit;
}

/** A credential version as the kit stores it: the decimal text of a counter. */
function isCredentialVersion(value: string): boolean {
  return /^\d{1,20}$/.test(value);
}
