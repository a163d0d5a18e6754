/**
 * Public API of the session kit (framework-free: works in Edge middleware and Node).
 *
 * Start with `createSessionKit()`; Next.js glue (cookies, middleware, cached `getCurrentSession`) is in `./next`.
 * Files, from cookie to Redis: kit (binds the verbs to a context), context (options, config, store, clock,
 * caches, signers), open (cookie unseal and record decode, cached; cookie issue), validate / create / revoke /
 * list / report / reauth (the verbs), bookkeep (metrics recording), store (Redis client, `runScript`), lua/ (one module
 * per script: its text, KEYS/ARGV builders and reply decoder; prelude.ts holds the shared helpers).
 * Formats and policy: config (policy), token (random ids + hashing), cookie (sealing), keys (Redis key formats),
 * record (stored value), handoff (middleware → render), signed (HMAC tokens for the hand-off and report links),
 * request-guards (cross-site and Server Action posts), path (same-origin redirect paths), device (device info),
 * types (public types). Operations, behind ./ops: metrics (vocabulary, Prometheus), activity (security
 * log), notify (new-device notices and "This wasn't me" links), cleanup (SCAN-based keyspace repair).
 */
export { createSessionKit } from "./kit";
export type { PublicSessionConfig, SessionKit, SessionKitOptions } from "./kit";
export type { Signer } from "./signed";
export { loadSessionConfig } from "./config";
export type { SessionConfig, SessionConfigInput } from "./config";
export { ENDED_REASONS, REVOCATION_REASONS } from "./reasons";
export type { OtherSessionsReason, SessionRevocationReason, UserRevocationReason } from "./reasons";
export { deviceFromParts, normalizeDevice } from "./device";
export type { TrustedPlatform, TrustedProxy } from "./device";
export { sameOriginPath } from "./path";
export { requireRecentAuthentication } from "./reauth";
export type { MarkReauthenticatedResult, RecentAuthenticationResult, RelabelResult } from "./reauth";
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
