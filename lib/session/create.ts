/**
 * Signing in: creating a session, the credential version it is checked against, and failed attempts.
 *
 * What: `createSession` builds the session (its expiries from the timeout profile), revokes the browser's
 * previous session, and writes it in one script that also enforces the per-user cap, evicts or refuses, rotates,
 * checks the credential version and logs the sign-in. `readCredentialVersion` is the GET a sign-in makes BEFORE
 * it reads the password hash, so a password change landing in between makes the create refuse
 * (`stale_credentials`). `recordFailedSignIn` counts a failed attempt and logs it for that user.
 * "Sign out everyone" (sweep.ts) cannot reach a user who had no session when its SCAN went by, so a sign-in in
 * flight then could outlive it. The sweep raises an epoch before it scans; a sign-in reads the epoch before its
 * clock reading and again after its script, and a change in between ends the new session (`stale_credentials`).
 * Either the sweep's scan saw the index (the script ran before the raise) or this check sees the raise.
 * Cost (Redis commands): create 1 script + 1 GET (+1 GET in a fresh process; +1 when replacing another user's
 * cookie; +1 metrics script, deferred).
 * Seam: the token and public id come from token.ts; the cookie from open.ts `issueCookie`.
 */
import { encodeAccountEvent, encodeFailedAttempt, fingerprintDevice, type AccountEvent } from "./activity";
import { bookkeep } from "./bookkeep";
import { profileFor } from "./config";
import { assertUserId, later, type SessionContext } from "./context";
import { normalizeDevice } from "./device";
import { userKeys } from "./keys";
import { LOG_ACTIVITY } from "./lua/activity-log";
import { CREATE } from "./lua/create";
import { REVOKE_ONE } from "./lua/revoke-one";
import { issueCookie, openCookie } from "./open";
import { OTHER_SESSIONS_REASONS, type OtherSessionsReason } from "./reasons";
import { encodeSession } from "./record";
import { revokeCurrentSession } from "./revoke";
import { attempt, runScript, UNAVAILABLE } from "./store";
import { generatePublicId, generateSessionToken, hashSessionToken } from "./token";
import type {
  CreateSessionInput,
  CreateSessionResult,
  CredentialVersionResult,
  DeviceInfo,
  Session,
} from "./types";

/** The marker the other sessions get, or "" to keep them; `true` is a password change. */
function othersReason(value: CreateSessionInput["revokeOtherSessions"]): OtherSessionsReason | "" {
  if (value === undefined || value === false) return "";
  if (value === true) return "password_changed";
  if (!(OTHER_SESSIONS_REASONS as readonly string[]).includes(value)) {
    throw new Error(
      `session: createSession revokeOtherSessions must be true, false or one of ${OTHER_SESSIONS_REASONS.join(", ")}`,
    );
  }
  return value;
}

/** The sweep epoch (keys.ts `sweepKeys`), as text; null when the store did not answer. */
async function readSweepEpoch(ctx: SessionContext): Promise<string | null> {
  const result = await attempt(() => ctx.store.get(ctx.sweepKeys.epoch));
  if (!result.ok) return null;
  const epoch = result.value === null || result.value === undefined ? "0" : String(result.value);
  ctx.sweepEpoch.value = epoch;
  return epoch;
}

/** A credential version as the kit stores it: the decimal text of a counter. */
function isCredentialVersion(value: string): boolean {
  return /^\d{1,20}$/.test(value);
}

export async function createSession(
  ctx: SessionContext,
  input: CreateSessionInput,
): Promise<CreateSessionResult> {
  const { config } = ctx;
  assertUserId(input.userId, "createSession");
  if (input.label !== undefined && (typeof input.label !== "string" || input.label.length > 512)) {
    throw new Error("session: createSession label must be a string of at most 512 characters");
  }
  const remember = input.remember === true;
  const profile = profileFor(config, remember);
  // Read before the clock: a sweep that started after this reading is seen by the check after the script.
  const epochBefore = ctx.sweepEpoch.value ?? (await readSweepEpoch(ctx));
  if (epochBefore === null) return UNAVAILABLE;
  const at = ctx.now();
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
    // A sign-in is a fresh authentication: step-up counts from here (reauth.ts).
    reauthAt: at,
  };

  // The browser's previous session is revoked in the same script when it belongs to this user; another
  // user's session lives in another hash slot, so it is signed out first, separately.
  let replaceHash = "";
  const previousOpened = await openCookie(ctx, input.replaceCookie);
  const previous = previousOpened?.payload ?? null;
  if (previous !== null && previous.u === input.userId) {
    replaceHash = previousOpened?.hash ?? "";
  } else if (previous !== null && input.replaceCookie !== undefined) {
    const loggedOut = await revokeCurrentSession(ctx, input.replaceCookie);
    if (!loggedOut.ok) return UNAVAILABLE;
  }

  if (input.credentialVersion !== undefined && !isCredentialVersion(input.credentialVersion)) {
    throw new Error(
      "session: createSession credentialVersion must be the string readCredentialVersion returned",
    );
  }
  const withLog = ctx.activity.length > 0;
  const result = await runScript(ctx.store, CREATE, {
    keys: userKeys(config.keyPrefix, input.userId),
    hash,
    record: encodeSession(session),
    ttlMs: session.expiresAt - at,
    now: at,
    cap: config.maxSessionsPerUser,
    policy: config.capPolicy,
    revokeOthers: othersReason(input.revokeOtherSessions),
    markerMs: ctx.markerMs,
    replaceHash,
    credentialVersion: input.credentialVersion ?? "",
    knownDevice: input.knownDevice === true,
    activity: ctx.activity,
    fingerprint: withLog ? await fingerprintDevice(session.device) : undefined,
  });
  if (!result.ok) return result;
  const reply = result.value;
  if (reply.status === "stale_credentials") return { ok: false, reason: "stale_credentials" };
  if (reply.status === "limit_reached") return { ok: false, reason: "limit_reached" };
  if (reply.status !== "created") return UNAVAILABLE;
  const epochAfter = await readSweepEpoch(ctx);
  if (epochAfter !== epochBefore) {
    // A sweep started while this sign-in ran and may have scanned past this user: end the new session.
    const ended = await runScript(ctx.store, REVOKE_ONE, {
      keys: userKeys(config.keyPrefix, input.userId),
      publicId: session.id,
      reason: "signed_out_everyone",
      now: at,
      markerMs: ctx.markerMs,
      activity: ctx.activity,
    });
    await bookkeep(ctx, reply.ended);
    return epochAfter === null || !ended.ok ? UNAVAILABLE : { ok: false, reason: "stale_credentials" };
  }
  await bookkeep(ctx, [
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
  const cookie = await issueCookie(ctx, token, session, at);
  const { evicted, credentialVersion } = reply;
  const base = { ok: true as const, session, cookie, evicted, credentialVersion };
  if (!withLog) return base;
  return { ...base, newDevice: reply.newDevice };
}

export async function readCredentialVersion(
  ctx: SessionContext,
  userId: string,
): Promise<CredentialVersionResult> {
  assertUserId(userId, "readCredentialVersion");
  const result = await attempt(() => ctx.store.get(userKeys(ctx.config.keyPrefix, userId).credentials));
  if (!result.ok) return UNAVAILABLE;
  const version = result.value === null || result.value === undefined ? "0" : String(result.value);
  return isCredentialVersion(version) ? { ok: true, version } : UNAVAILABLE;
}

/**
 * Counts a failed sign-in attempt in the metrics and, when the account exists, logs it in that user's activity
 * (best effort, never throws).
 */
export async function recordFailedSignIn(
  ctx: SessionContext,
  failed?: { userId: string; device: DeviceInfo },
): Promise<void> {
  await bookkeep(ctx, [{ type: "failed_sign_in" }]);
  if (failed === undefined || ctx.activity.length === 0) return;
  assertUserId(failed.userId, "recordFailedSignIn");
  const device = normalizeDevice(failed.device);
  const entry = encodeFailedAttempt(ctx.now(), await fingerprintDevice(device), device);
  const log = userKeys(ctx.config.keyPrefix, failed.userId).log;
  await later(ctx, () => runScript(ctx.store, LOG_ACTIVITY, { log, entry, activity: ctx.activity }));
}

/**
 * Logs an operator's account event (disabled, enabled) in that user's activity: one script, awaited, so the entry
 * is there when the caller reports success. A no-op when the log is off.
 */
export async function recordAccountEvent(
  ctx: SessionContext,
  userId: string,
  type: AccountEvent,
): Promise<{ ok: true } | { ok: false; reason: "unavailable" }> {
  assertUserId(userId, "recordAccountEvent");
  if (ctx.activity.length === 0) return { ok: true };
  const log = userKeys(ctx.config.keyPrefix, userId).log;
  const entry = encodeAccountEvent(ctx.now(), type);
  const result = await runScript(ctx.store, LOG_ACTIVITY, { log, entry, activity: ctx.activity });
  return result.ok ? { ok: true } : UNAVAILABLE;
}
