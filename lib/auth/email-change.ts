/**
 * Change of email, framework-free (the account page's action and the two link pages call it).
 * `requestEmailChange` runs behind step-up (lib/auth/step-up.ts): it marks the change pending on the user and
 * mails two single-use links: "confirm" to the new address (CONFIRM_TTL_SECONDS), and a notice with "this wasn't
 * me" to the old one (REVERT_TTL_SECONDS). Redis keeps only the SHA-256 of a link's token, read and deleted in one
 * GETDEL, so a link works once, whoever races it. The address changes only when the confirm link is used
 * (email-index.ts moves it); the sessions' label follows in one kit script. "This wasn't me" cancels a pending
 * change or moves the address back, and signs every session of the account out.
 * The answer to a request does not say whether the new address belongs to another account.
 */
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { SessionKit } from "@/lib/session";
import type { AccountMail } from "@/lib/session/ops";
import { claimEmail, settleEmail, stepUserRecord, undoClaim, type RecordStep } from "./email-index";
import { authEnv } from "./env";
import { emailChangeLockKey, emailChangeTokenKey } from "./keys";
import { authRedis } from "./redis";
import { findUserIdByEmail, getUserById, normalizeEmail } from "./users";

export const CONFIRM_TTL_SECONDS = 3600;
export const REVERT_TTL_SECONDS = 7 * 86_400;

type Unavailable = { ok: false; reason: "unavailable" };
type Send = (mail: AccountMail) => Promise<void>;

const linkSchema = z.object({
  kind: z.enum(["confirm", "revert"]),
  userId: z.string().min(1),
  from: z.string().min(1),
  to: z.string().min(1),
  changeId: z.string().min(1),
});
type Link = z.infer<typeof linkSchema>;

const tokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

async function storeLink(link: Link, ttlSeconds: number): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  const key = emailChangeTokenKey(authEnv().AUTH_KEY_PREFIX, hashToken(token));
  await authRedis().set(key, JSON.stringify(link), { ex: ttlSeconds });
  return token;
}

// KEYS[1] link key. Read and deleted in one step (so a link works once); its TTL comes back for `restore`.
const REDEEM = `
local v = redis.call('GET', KEYS[1])
if not v then return false end
local ttl = redis.call('PTTL', KEYS[1])
redis.call('DEL', KEYS[1])
return {v, ttl}
`;

type Redeemed = { link: Link; restore: () => Promise<void> };

/**
 * The link's record, deleted as it is read: null when unknown, used, expired or of the other kind. `restore` puts
 * it back for its remaining life, for when Redis failed before the link's work was done.
 */
async function redeemLink(token: string, kind: Link["kind"]): Promise<Redeemed | null> {
  if (!tokenSchema.safeParse(token).success) return null;
  const key = emailChangeTokenKey(authEnv().AUTH_KEY_PREFIX, hashToken(token));
  const reply = await authRedis().eval(REDEEM, [key], []);
  if (!Array.isArray(reply)) return null;
  const [raw, ttl] = reply as unknown[];
  const parsed = linkSchema.safeParse(typeof raw === "string" ? safeJson(raw) : raw);
  if (!parsed.success || parsed.data.kind !== kind) return null;
  const restore = async (): Promise<void> => {
    const px = Number(ttl);
    if (Number.isInteger(px) && px > 0) await authRedis().set(key, JSON.stringify(parsed.data), { px });
  };
  return { link: parsed.data, restore };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const LOCK_MS = 10_000;
const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Runs `task` holding the user's email-change lock (waits up to ~5 s); throws when it cannot get it. */
async function withUserLock<T>(userId: string, task: () => Promise<T>): Promise<T> {
  const key = emailChangeLockKey(authEnv().AUTH_KEY_PREFIX, userId);
  const owner = randomBytes(12).toString("base64url");
  for (let attempt = 0; ; attempt += 1) {
    if ((await authRedis().set(key, owner, { nx: true, px: LOCK_MS })) !== null) break;
    if (attempt >= 50) throw new Error("auth: email change lock busy");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    return await task();
  } finally {
    await authRedis().eval(UNLOCK, [key], [owner]);
  }
}

export type RequestEmailChangeResult =
  { ok: true } | { ok: false; reason: "same_email" | "no_account" } | Unavailable;

export async function requestEmailChange(input: {
  userId: string;
  newEmail: string;
  origin: string;
  send: Send;
  now?: number;
}): Promise<RequestEmailChangeResult> {
  const to = normalizeEmail(input.newEmail);
  try {
    const found = await getUserById(input.userId);
    if (!found.ok) return found;
    if (found.user === null) return { ok: false, reason: "no_account" };
    const from = found.user.email;
    if (to === from) return { ok: false, reason: "same_email" };
    const owner = await findUserIdByEmail(to);
    if (!owner.ok) return owner;
    // Another account's address: the same answer, and no link that could never work.
    if (owner.id !== null && owner.id !== input.userId && owner.id !== `~${input.userId}`)
      return { ok: true };

    const change = { id: randomBytes(16).toString("base64url"), from, to };
    const begun = await stepUserRecord(input.userId, "begin", change);
    if (begun === "missing") return { ok: false, reason: "no_account" };
    if (begun === "refused") return { ok: false, reason: "unavailable" };
    const link = { userId: input.userId, from, to, changeId: change.id };
    const confirm = await storeLink({ ...link, kind: "confirm" }, CONFIRM_TTL_SECONDS);
    const revert = await storeLink({ ...link, kind: "revert" }, REVERT_TTL_SECONDS);
    const at = input.now ?? Date.now();
    const confirmUrl = `${input.origin}/email-change/confirm?token=${confirm}`;
    await input.send({
      kind: "email_change_confirm",
      to,
      subject: "Confirm your new email address",
      text: `Use this link within an hour to make ${to} the email of your account. It works once.\n\nConfirm new email: ${confirmUrl}`,
      link: confirmUrl,
      at,
    });
    const notMeUrl = `${input.origin}/email-change/not-me?token=${revert}`;
    await input.send({
      kind: "email_change_notice",
      to: from,
      subject: "Your email address is being changed",
      text: `Someone asked to change the email of your account from ${from} to ${to}. If it wasn't you, keep ${from} and sign every device out.\n\nThis wasn't me: ${notMeUrl}`,
      link: notMeUrl,
      at,
    });
    return { ok: true };
  } catch {
    return { ok: false, reason: "unavailable" };
  }
}

export type ConfirmEmailChangeResult =
  | { ok: true; email: string; relabeled: boolean }
  | { ok: false; reason: "invalid" | "taken" | "superseded" }
  | Unavailable;

export async function confirmEmailChange(kit: SessionKit, token: string): Promise<ConfirmEmailChangeResult> {
  let redeemed: Redeemed | null = null;
  try {
    redeemed = await redeemLink(token, "confirm");
    if (redeemed === null) return { ok: false, reason: "invalid" };
    const { link } = redeemed;
    return await withUserLock(link.userId, async (): Promise<ConfirmEmailChangeResult> => {
      const change = { id: link.changeId, from: link.from, to: link.to };
      const claim = await claimEmail(link.to, link.userId);
      if (claim === "taken") return { ok: false, reason: "taken" };
      const swapped = await stepUserRecord(link.userId, "commit", change);
      if (swapped !== "done") {
        await undoClaim(link.to, link.userId, claim, REVERT_TTL_SECONDS * 1000);
        return { ok: false, reason: "superseded" };
      }
      await settleEmail(link.to, link.userId, "persist");
      await settleEmail(link.from, link.userId, "reserve", REVERT_TTL_SECONDS * 1000);
      const relabeled = await kit.relabelUserSessions(link.userId, link.to);
      return { ok: true, email: link.to, relabeled: relabeled.ok };
    });
  } catch {
    await redeemed?.restore().catch(() => undefined);
    return { ok: false, reason: "unavailable" };
  }
}

export type RevertEmailChangeResult =
  | { ok: true; email: string; restored: boolean; signedOut: number }
  | { ok: false; reason: "invalid" }
  | Unavailable;

/** "This wasn't me": the old address back (or the pending change cancelled), and every session signed out. */
export async function revertEmailChange(kit: SessionKit, token: string): Promise<RevertEmailChangeResult> {
  let redeemed: Redeemed | null = null;
  try {
    redeemed = await redeemLink(token, "revert");
    if (redeemed === null) return { ok: false, reason: "invalid" };
    const { link } = redeemed;
    const step = await withUserLock(link.userId, () => restoreOldEmail(link));
    const signedOut = await kit.revokeUserSessions(link.userId, "revoked");
    if (!signedOut.ok) throw new Error("auth: sessions not signed out");
    const email = step === "done" || step === "already" ? link.from : link.to;
    return { ok: true, email, restored: step === "done", signedOut: signedOut.revoked };
  } catch {
    // The owner's way back must survive a Redis hiccup: the link works again (reverting twice is harmless).
    await redeemed?.restore().catch(() => undefined);
    return { ok: false, reason: "unavailable" };
  }
}

/** The pending change dropped and, when it was confirmed, the old address back (if nobody has taken it since). */
async function restoreOldEmail(link: Link): Promise<RecordStep> {
  const change = { id: link.changeId, from: link.from, to: link.to };
  const claim = await claimEmail(link.from, link.userId);
  if (claim === "taken") return stepUserRecord(link.userId, "cancel", change).then(() => "refused");
  const step = await stepUserRecord(link.userId, "revert", change);
  if (step === "done") {
    await settleEmail(link.from, link.userId, "persist");
    await settleEmail(link.to, link.userId, "release");
  } else if (step === "already") {
    await settleEmail(link.from, link.userId, "persist");
  } else {
    await undoClaim(link.from, link.userId, claim, REVERT_TTL_SECONDS * 1000);
  }
  return step;
}
