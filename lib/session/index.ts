/**
 * Public API of the session kit (framework-free: works in Edge middleware and Node).
 *
 * Start with `createSessionKit()`; Next.js glue (cookies, middleware, cached `getCurrentSession`) is in `./next`.
 * Files: config (policy), token (random ids + hashing), cookie (sealing), keys (Redis key formats), record
 * (stored value), scripts (Lua), store (Redis client), sessions (operations), handoff (middleware → render),
 * device (device info).
 */
export { createSessionKit } from "./sessions";
export type { SessionKit, SessionKitOptions } from "./sessions";
export { loadSessionConfig } from "./config";
export type { SessionConfig, SessionConfigInput } from "./config";
export { HANDOFF_HEADER } from "./handoff";
export { deviceFromParts, normalizeDevice } from "./device";
export type {
  CreateSessionInput,
  CreateSessionResult,
  DeviceInfo,
  HealthResult,
  ListSessionsResult,
  RevocationReason,
  RevokeManyResult,
  RevokeSessionResult,
  Session,
  SessionCookie,
  SignedOutReason,
  TouchResult,
  ValidationResult,
} from "./types";
