/**
 * The kit's one vocabulary of why a session ended.
 *
 * What: every reason a session can end for, in one list, and the subsets each layer uses. The same word is the
 * marker a revoked session key holds ("!password_reset"), the reason the signed-out device is told, the type of
 * the entry in the user's security activity and the `reason` label of `session_ended_total`.
 * Seam: add a reason here (and its message in your app); the scripts take it as an argument, nothing else changes.
 */

/**
 * Someone or something ended the session on purpose; its key keeps a short-lived marker so the device learns why:
 * - revoked: the user signed it out from another device (one device, "all others" or "everywhere");
 * - evicted: a newer sign-in took its place under the concurrent-session cap;
 * - password_changed / password_reset: the account's password changed (from a session, or by a reset link);
 * - admin_revoked: an administrator ended it;
 * - account_locked: an administrator disabled the account;
 * - signed_out_everyone: an operator signed out every user at once (incident response).
 */
export const REVOCATION_REASONS = [
  "revoked",
  "evicted",
  "password_changed",
  "password_reset",
  "admin_revoked",
  "account_locked",
  "signed_out_everyone",
] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

/**
 * Reasons that also raise the user's credential version in the same script (ADR 007): a sign-in still checking the
 * old password is refused (`stale_credentials`) and device cookies issued before stop counting as known.
 */
export const CREDENTIAL_REASONS = [
  "password_changed",
  "password_reset",
  "account_locked",
  "signed_out_everyone",
] as const satisfies readonly RevocationReason[];

/**
 * Reasons `createSession({ revokeOtherSessions })` marks the user's other sessions with: the credential changes that
 * leave the browser making them signed in (a password change from a session, or a reset link).
 */
export const OTHER_SESSIONS_REASONS = [
  "password_changed",
  "password_reset",
] as const satisfies readonly (typeof CREDENTIAL_REASONS)[number][];
export type OtherSessionsReason = (typeof OTHER_SESSIONS_REASONS)[number];

/** A reason the user should be told: the session timed out, or was revoked for one of the reasons above. */
export const ENDED_REASONS = ["expired", ...REVOCATION_REASONS] as const;
export type EndedReason = (typeof ENDED_REASONS)[number];

/** Why a request is signed out: no or unreadable cookie, or an ended session. */
export type SignedOutReason = "missing" | "malformed" | EndedReason;

/** How a session ended, as metrics count it: the user's own sign-out ("logout") or an ended reason. */
export const METRIC_END_REASONS = ["logout", ...ENDED_REASONS] as const;
export type EndReason = (typeof METRIC_END_REASONS)[number];

export function isRevocationReason(value: unknown): value is RevocationReason {
  return typeof value === "string" && (REVOCATION_REASONS as readonly string[]).includes(value);
}

export function raisesCredentialVersion(reason: RevocationReason): boolean {
  return (CREDENTIAL_REASONS as readonly string[]).includes(reason);
}

/** Reasons `revokeSession` takes for one session: the user's own choice, or an administrator's. */
export const ONE_SESSION_REASONS = [
  "revoked",
  "admin_revoked",
] as const satisfies readonly RevocationReason[];
export type SessionRevocationReason = (typeof ONE_SESSION_REASONS)[number];

/** Reasons `revokeUserSessions` takes (every one but "evicted", which only a new sign-in causes). */
export const USER_REASONS = REVOCATION_REASONS.filter(
  (reason): reason is Exclude<RevocationReason, "evicted"> => reason !== "evicted",
);
export type UserRevocationReason = Exclude<RevocationReason, "evicted">;
