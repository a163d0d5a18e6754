/**
 * The session kit: `createSessionKit()` builds the context once and binds the verbs to it.
 *
 * What: the `SessionKit` object your app calls — create, validate, touch, list, revoke, report links, metrics —
 * each method one free function over the context (context.ts), the way iron-session's index binds its core.
 * Expected outcomes are values (`{ ok: false, reason }`); a store error is `reason: "unavailable"`, never a
 * sign-out; misuse (empty user id, bad config) throws `session: ...`.
 * Path of a request: cookie → open.ts (unseal, cached) → validate.ts (one GET, `judge`) → the Redis record;
 * changes go through one Lua script each (lua/), with metrics bookkept after the response (bookkeep.ts).
 * Files: context (options, shared state), open (cookie and record caches), validate, create, revoke, list, report
 * (the verbs), bookkeep (metrics), store (Redis and `runScript`), lua/ (the scripts).
 * Seam: `now` (an injectable clock, ms) and `redis` (any @upstash/redis client) are the two things to swap.
 */
import type { AccountEvent, ActivityEntry } from "./activity";
import { readMetrics } from "./bookkeep";
import type { SessionConfig } from "./config";
import { createContext, type SessionKitOptions } from "./context";
import { buildCookie, buildEndedCookie } from "./cookie";
import { createSession, readCredentialVersion, recordAccountEvent, recordFailedSignIn } from "./create";
import { listSecurityActivity, listUserSessions } from "./list";
import type { MetricsSnapshot } from "./metrics";
import type { SessionRevocationReason, UserRevocationReason } from "./reasons";
import { redeemReportToken, signReportToken } from "./report";
import { revokeCurrentSession, revokeOtherSessions, revokeSession, revokeUserSessions } from "./revoke";
import { checkHealth } from "./store";
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
import {
  touchSession,
  validateAndListSessions,
  validateAndTouchSession,
  validateSessionToken,
} from "./validate";

export type { SessionKitOptions } from "./context";

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
  /** The user's security activity, newest first (empty when the log is off). */
  listSecurityActivity(
    userId: string,
    limit?: number,
  ): Promise<{ ok: true; entries: ActivityEntry[] } | { ok: false; reason: "unavailable" }>;
  /** Current metrics: active sessions, rates, durations, failed sign-ins, per-user concurrency. */
  readMetrics(): Promise<{ ok: true; metrics: MetricsSnapshot } | { ok: false; reason: "unavailable" }>;
}

export function createSessionKit(options: SessionKitOptions = {}): SessionKit {
  const ctx = createContext(options);
  return {
    config: ctx.config,
    createSession: (input) => createSession(ctx, input),
    readCredentialVersion: (userId) => readCredentialVersion(ctx, userId),
    validateSessionToken: (cookieValue) => validateSessionToken(ctx, cookieValue),
    touchSession: (cookieValue) => touchSession(ctx, cookieValue),
    validateAndTouchSession: (cookieValue) => validateAndTouchSession(ctx, cookieValue),
    listUserSessions: (userId, listOptions) => listUserSessions(ctx, userId, listOptions),
    validateAndListSessions: (cookieValue, listOptions) =>
      validateAndListSessions(ctx, cookieValue, listOptions),
    revokeSession: (userId, sessionId, reason) => revokeSession(ctx, userId, sessionId, reason),
    revokeOtherSessions: (userId, currentCookieValue) => revokeOtherSessions(ctx, userId, currentCookieValue),
    revokeUserSessions: (userId, reason) => revokeUserSessions(ctx, userId, reason),
    revokeCurrentSession: (cookieValue) => revokeCurrentSession(ctx, cookieValue),
    clearedCookie: () => buildCookie(ctx.config, "", 0),
    endedCookie: (reason) => buildEndedCookie(ctx.config, reason),
    checkHealth: () => checkHealth(ctx.store, ctx.now),
    signHandoff: (session, cookieValue, listing) => ctx.handoff.sign(session, cookieValue, listing),
    verifyHandoff: (header, cookieValue) => ctx.handoff.verify(header, cookieValue),
    recordFailedSignIn: (failed) => recordFailedSignIn(ctx, failed),
    recordAccountEvent: (userId, type) => recordAccountEvent(ctx, userId, type),
    signReportToken: (userId, sessionId, ttlSeconds) => signReportToken(ctx, userId, sessionId, ttlSeconds),
    redeemReportToken: (token) => redeemReportToken(ctx, token),
    listSecurityActivity: (userId, limit) => listSecurityActivity(ctx, userId, limit),
    readMetrics: () => readMetrics(ctx),
  };
}
