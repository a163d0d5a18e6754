/**
 * Public API of the session kit (framework-free: works in Edge middleware and Node).
 *
 * Start with `createSessionKit()`; Next.js glue (cookies, middleware, cached `getCurrentSession`) is in `./next`.
 * Files: config (policy), token (random ids + hashing), cookie (sealing), keys (Redis key formats), record
 * (stored value), scripts (Lua), store (Redis client), sessions (operations), handoff (middleware → render),
 * signed (HMAC tokens for the hand-off and report links), request-guards (cross-site and Server Action posts),
 * device (device info), path (same-origin redirect paths); operations: metrics (Prometheus), activity (security
 * log), notify (new-device notices and "This wasn't me" links), cleanup (SCAN-based keyspace repair).
 */
export { createSessionKit } from "./sessions";
export type { SessionKit, SessionKitOptions } from "./sessions";
export { loadSessionConfig } from "./config";
export type { SessionConfig, SessionConfigInput } from "./config";
export { HANDOFF_HEADER, HANDOFF_MAX_LENGTH } from "./handoff";
export { parseEndedReason } from "./cookie";
export { deviceFromParts, normalizeDevice } from "./device";
export type { TrustedPlatform, TrustedProxy } from "./device";
export { sameOriginPath } from "./path";
export { refuseCrossSiteRequest, refuseServerActionBody } from "./request-guards";
export type { Refusal } from "./request-guards";
export type {
  CreateSessionInput,
  CreateSessionResult,
  CredentialVersionResult,
  DeviceInfo,
  EndedReason,
  Handoff,
  HealthResult,
  ListSessionsResult,
  RevocationReason,
  RevokeManyResult,
  RevokeSessionResult,
  Session,
  SessionCookie,
  SessionListing,
  SignedOutReason,
  TouchResult,
  ValidationResult,
  ValidationWithListing,
} from "./types";
// Types the verbs' results carry; the operations themselves (metrics, activity, notices, cleanup) are in ./ops.
export type { MetricsSnapshot } from "./metrics";
export type { ActivityEntry, ActivityType } from "./activity";
