/**
 * Public types of the session kit.
 *
 * What: the shapes every caller sees — the session summary, device info, the cookie to set, and the
 * discriminated unions that carry expected failures as values ("signed out because ...", "store unavailable").
 * Data model: a `Session` is exactly what Redis stores per session (JSON), minus the token, which is never stored.
 * Seam: none; these types are the contract between `lib/session` and your app.
 */
import type { ActivityEntry } from "./activity";
import type { OtherSessionsReason, SignedOutReason } from "./reasons";

/** Where a session was signed in from. Shown on a "devices" page; never used for security decisions. */
export type DeviceInfo = {
  userAgent: string;
  browser?: string;
  os?: string;
  deviceType?: "desktop" | "mobile" | "tablet" | "other";
  ip?: string;
  location?: string;
};

/** One signed-in device. `id` is an opaque random public id, safe to put in pages and forms. */
export type Session = {
  /** Opaque public id (not the token, not its hash): pages list and revoke sessions by it. */
  id: string;
  userId: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds of the last touch (refreshed at most once per `touchIntervalSeconds`). */
  lastActiveAt: number;
  /** Epoch milliseconds when the session ends if idle: min(lastActiveAt + idle timeout, absoluteExpiresAt). */
  expiresAt: number;
  /** Epoch milliseconds when the session ends no matter what. */
  absoluteExpiresAt: number;
  /** Signed in with "remember me" (the longer timeout profile). */
  remember: boolean;
  device: DeviceInfo;
  /**
   * What the app chose to show for this session without another lookup (e.g. the account's email in the
   * header). Stored server-side with the session, never in the cookie; keep it small and non-secret.
   */
  label?: string;
  /**
   * Epoch milliseconds of the session's last password confirmation (step-up, `markReauthenticated`); the sign-in
   * itself counts, so a new session starts with `reauthAt = createdAt`. Absent only on values built by hand.
   */
  reauthAt?: number;
};

/** Why a session ended, in one vocabulary (reasons.ts): what the device is told, logged and counted. */
export type { EndedReason, RevocationReason, SignedOutReason } from "./reasons";
/** Options of the cookie to set; mirrors the shape `cookies().set(name, value, options)` accepts. */
export type SessionCookie = {
  name: string;
  value: string;
  /** No `maxAge`: a browser-session cookie (a session without "remember me"); 0 deletes the cookie. */
  options: { httpOnly: true; sameSite: "lax"; path: "/"; secure: boolean; maxAge?: number };
};

/** The store (Redis) could not answer. Not "signed out": fail the request (503), keep the cookie. */
export type Unavailable = { ok: false; reason: "unavailable" };

export type ValidationResult =
  | {
      ok: true;
      session: Session;
      /** The session's "last active" is older than `touchIntervalSeconds`: run `touchSession` (off the hot path). */
      touchDue: boolean;
      /** Re-sealed cookie to set, present only when the `revalidateAfterSeconds` window is on. */
      cookie?: SessionCookie;
    }
  | { ok: false; reason: SignedOutReason }
  | Unavailable;

export type CreateSessionInput = {
  userId: string;
  device: DeviceInfo;
  /** Use the "remember me" timeout profile. */
  remember?: boolean;
  /** Up to 512 characters the app wants back on every validation (e.g. the email for the header). */
  label?: string;
  /** The browser's previous session cookie, if any: it is revoked (no session fixation, no orphan). */
  replaceCookie?: string;
  /**
   * Revoke every other session of this user in the same atomic step (use on password change). It also raises the
   * user's credential version, so a sign-in still checking the old password is refused (`stale_credentials`).
   * `true` marks them `password_changed`; name the reason to tell the devices otherwise (`"password_reset"` for a
   * reset link, which ends every session the user had: the new one is this browser's only).
   */
  revokeOtherSessions?: boolean | OtherSessionsReason;
  /**
   * The credential version `readCredentialVersion` returned BEFORE you read the password hash you verified. The
   * create script refuses with `stale_credentials` when it is no longer current: a password change landed while
   * this sign-in was checking the old password. Omit only for sessions that do not come from a credential check.
   */
  credentialVersion?: string;
  /**
   * The browser proved it signed in to this account before (a signed device cookie bound to the current credential
   * version). Decides `newDevice`: user-agent families can be copied, so they never make a browser "known".
   */
  knownDevice?: boolean;
};

export type CreateSessionResult =
  | {
      ok: true;
      session: Session;
      cookie: SessionCookie;
      evicted: number;
      /** With the activity log on: earlier sign-ins are logged and the caller did not vouch (`knownDevice`). */
      newDevice?: boolean;
      /** The user's credential version this session was created under (raised by `revokeOtherSessions`). */
      credentialVersion: string;
    }
  | { ok: false; reason: "limit_reached" }
  /**
   * The password checked for this sign-in was changed meanwhile (nothing was created), or a "sign out everyone"
   * sweep started while it ran (the new session was ended): ask to sign in again.
   */
  | { ok: false; reason: "stale_credentials" }
  | Unavailable;

export type TouchResult = { ok: true; touched: boolean } | Unavailable;
/** A user's live sessions, most recently active first, and optionally their newest security activity. */
export type SessionListing = {
  sessions: Session[];
  /** Newest first; present when `activityLimit` was asked for (empty when the log is off). */
  activity?: ActivityEntry[];
};
export type ListSessionsResult = ({ ok: true } & SessionListing) | Unavailable;

/** `validateAndListSessions`: a validation whose success also carries the user's listing (same round trip). */
export type ValidationWithListing =
  | (Extract<ValidationResult, { ok: true }> & { listing: SessionListing })
  | Exclude<ValidationResult, { ok: true }>;

/**
 * What a verified hand-off header carries: the session middleware validated and, when middleware preloaded it
 * for the page, the user's listing with the activity limit it was read with.
 */
export type Handoff = { session: Session; listing?: SessionListing & { activityLimit: number } };
export type RevokeSessionResult = { ok: true; revoked: boolean } | Unavailable;
export type RevokeManyResult = { ok: true; revoked: number } | Unavailable;
export type CredentialVersionResult = { ok: true; version: string } | Unavailable;
export type HealthResult = { ok: true; latencyMs: number } | { ok: false; reason: string };
