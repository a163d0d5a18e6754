/**
 * The session kit: `createSessionKit()` builds the context once and binds the verbs to it.
 *
 * What: the `SessionKit` object your app calls — create, validate, touch, list, revoke, report links, metrics —
 * each method one free function over the context (context.ts), the way iron-session's index binds its core.
 * Expected outcomes are values (`{ ok: false, reason }`); a store error is `reason: "unavailable"`, never a
 * sign-out; misuse (empty user id, bad config) throws `session: ...`.
 * Path of a request: cookie → open.ts (unseal, cached) → validate.ts (one GET, `judge`) → the Redis record;
 * changes go through one Lua script each (lua/), with metrics bookkept after the response (bookkeep.ts).
 * Files: context (options, shared state), open (cookie and record caches), validate, create, revoke, list, report,
 * reauth (the verbs), bookkeep (metrics), store (Redis and `runScript`), lua/ (the scripts).
 * Seam: `now` (an injectable clock, ms) and `redis` (any @upstash/redis client) are the two things to swap.
 */
import type { AccountEvent } from "./activity";
import { readMetrics } from "./bookkeep";
import type { SessionConfig } from "./config";
import { createContext, type SessionContext, type SessionKitOptions } from "./context";
import { createSession, readCredentialVersion, recordAccountEvent, recordFailedSignIn } from "./create";
import { listUserSessions } from "./list";
import type { MetricsSnapshot } from "./metrics";
import {
  markReauthenticated,
  relabelUserSessions,
  requireRecentAuthentication,
  type MarkReauthenticatedResult,
  type RecentAuthenticationResult,
  type RelabelResult,
} from "./reauth";
import type { SessionRevocationReason, UserRevocationReason } from "./reasons";
import { redeemReportToken, signReportToken } from "./report";
import { revokeCurrentSession, revokeOtherSessions, revokeSession, revokeUserSessions } from "./revoke";
import { createSigner, type Signer } from "./signed";
import { checkHealth } from "./store";
import type {
  CreateSessionInput,
  CreateSessionResult,
  CredentialVersionResult,
  DeviceInfo,
  HealthResult,
  ListSessionsResult,
  RevokeManyResult,
  RevokeSessionResult,
  Session,
  TouchResult,
  ValidationResult,
  ValidationWithListing,
} from "./types";
import { touchSession, validateAndListSessions, validateSessionToken } from "./validate";

export type { SessionKitOptions } from "./context";

function withoutSecrets(config: SessionConfig): PublicSessionConfig {
  const copy: Partial<SessionConfig> = { ...config };
  delete copy.secret;
  delete copy.previousSecrets;
  return Object.freeze(copy as PublicSessionConfig);
}

function appSigner(secret: string, purpose: string): Signer {
  if (typeof purpose !== "string" || purpose === "" || purpose.startsWith("lib/session:")) {
    throw new Error('session: signer(purpose) needs your own purpose name, e.g. "myapp:invite:v1"');
  }
  return createSigner(secret, purpose);
}

/** The kit's settings as the app may read them: everything but the secrets (use `kit.signer` to sign things). */
export type PublicSessionConfig = Omit<SessionConfig, "secret" | "previousSecrets">;

export interface SessionKit {
  config: PublicSessionConfig;
  /**
   * A signer (signed.ts: HMAC-SHA-256 tokens, optionally bound to a value) whose key is derived from the session
   * secret for `purpose` alone, e.g. "myapp:invite:v1": tokens of one purpose never open as another, and the app
   * never holds the secret. Purposes starting with "lib/session:" are the kit's own and refused.
   */
  signer(purpose: string): Signer;
  createSession(input: CreateSessionInput): Promise<CreateSessionResult>;
  /**
   * The user's credential version (one GET). Sign-in reads it BEFORE it reads the password hash and passes it to
   * `createSession({ credentialVersion })`: a password change that lands in between makes the create refuse.
   */
  readCredentialVersion(userId: string): Promise<CredentialVersionResult>;
  validateSessionToken(cookieValue: string | undefined): Promise<ValidationResult>;
  touchSession(cookieValue: string): Promise<TouchResult>;
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
  /** Ends one session of this user, found by its public id; the device is told `reason` (default "revoked"). */
  revokeSession(
    userId: string,
    sessionId: string,
    reason?: SessionRevocationReason,
  ): Promise<RevokeSessionResult>;
  revokeOtherSessions(userId: string, currentCookieValue: string): Promise<RevokeManyResult>;
  /**
   * Ends every session of this user; the devices are told `reason` (default "revoked"). A credential reason
   * (reasons.ts `CREDENTIAL_REASONS`) also raises the credential version in the same script.
   */
  revokeUserSessions(userId: string, reason?: UserRevocationReason): Promise<RevokeManyResult>;
  revokeCurrentSession(cookieValue: string): Promise<{ ok: true } | { ok: false; reason: "unavailable" }>;
  /**
   * Step-up: has this session confirmed its password (or signed in) within `seconds` (default
   * `reauthWindowSeconds`)? Pure: no Redis command (reauth.ts).
   */
  requireRecentAuthentication(
    session: Pick<Session, "createdAt" | "reauthAt">,
    seconds?: number,
  ): RecentAuthenticationResult;
  /** Records a password confirmation your app just checked on this cookie's live session (one script). */
  markReauthenticated(cookieValue: string | undefined): Promise<MarkReauthenticatedResult>;
  /** Sets the label of every live session of the user (one script), e.g. after the email changed. */
  relabelUserSessions(userId: string, label: string): Promise<RelabelResult>;
  checkHealth(): Promise<HealthResult>;
  /**
   * Counts a failed sign-in attempt in the metrics and, when the account exists, logs it in that user's
   * activity (best effort, never throws).
   */
  recordFailedSignIn(attempt?: { userId: string; device: DeviceInfo }): Promise<void>;
  /** Logs an operator's account event ("account_disabled", "account_enabled") in that user's activity. */
  recordAccountEvent(
    userId: string,
    type: AccountEvent,
  ): Promise<{ ok: true } | { ok: false; reason: "unavailable" }>;
  /** Signs a "This wasn't me" token for one session of this user (notify.ts). @default ttlSeconds 86400 */
  signReportToken(userId: string, sessionId: string, ttlSeconds?: number): Promise<string>;
  /** Redeems a report token once: revokes that session. "used" the second time, "expired" after its expiry. */
  redeemReportToken(
    token: string,
  ): Promise<
    | { ok: true; userId: string; revoked: boolean }
    | { ok: false; reason: "invalid" | "expired" | "used" | "unavailable" }
  >;
  /** Current metrics: active sessions, rates, durations, failed sign-ins, per-user concurrency. */
  readMetrics(): Promise<{ ok: true; metrics: MetricsSnapshot } | { ok: false; reason: "unavailable" }>;
}

export function createSessionKit(options: SessionKitOptions = {}): SessionKit {
  const ctx = createContext(options);
  const kit: SessionKit = {
    config: withoutSecrets(ctx.config),
    signer: (purpose) => appSigner(ctx.config.secret, purpose),
    createSession: (input) => createSession(ctx, input),
    readCredentialVersion: (userId) => readCredentialVersion(ctx, userId),
    validateSessionToken: (cookieValue) => validateSessionToken(ctx, cookieValue),
    touchSession: (cookieValue) => touchSession(ctx, cookieValue),
    listUserSessions: (userId, listOptions) => listUserSessions(ctx, userId, listOptions),
    validateAndListSessions: (cookieValue, listOptions) =>
      validateAndListSessions(ctx, cookieValue, listOptions),
    revokeSession: (userId, sessionId, reason) => revokeSession(ctx, userId, sessionId, reason),
    revokeOtherSessions: (userId, currentCookieValue) => revokeOtherSessions(ctx, userId, currentCookieValue),
    revokeUserSessions: (userId, reason) => revokeUserSessions(ctx, userId, reason),
    revokeCurrentSession: (cookieValue) => revokeCurrentSession(ctx, cookieValue),
    requireRecentAuthentication: (session, seconds) =>
      requireRecentAuthentication(session, seconds ?? ctx.config.reauthWindowSeconds, ctx.now()),
    markReauthenticated: (cookieValue) => markReauthenticated(ctx, cookieValue),
    relabelUserSessions: (userId, label) => relabelUserSessions(ctx, userId, label),
    checkHealth: () => checkHealth(ctx.store, ctx.now),
    recordFailedSignIn: (failed) => recordFailedSignIn(ctx, failed),
    recordAccountEvent: (userId, type) => recordAccountEvent(ctx, userId, type),
    signReportToken: (userId, sessionId, ttlSeconds) => signReportToken(ctx, userId, sessionId, ttlSeconds),
    redeemReportToken: (token) => redeemReportToken(ctx, token),
    readMetrics: () => readMetrics(ctx),
  };
  contexts.set(kit, ctx);
  return kit;
}

const contexts = new WeakMap<SessionKit, SessionContext>();

/**
 * The context behind a kit made by `createSessionKit`, for the kit's own Next.js glue (next.ts signs and verifies
 * the middleware → render hand-off with it) and its tests. Not part of the public API.
 */
export function kitContext(kit: SessionKit): SessionContext {
  const ctx = contexts.get(kit);
  if (ctx === undefined) throw new Error("session: the Next.js glue needs a kit made by createSessionKit()");
  return ctx;
}
