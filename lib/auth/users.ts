/**
 * Users of the starter app, stored in Redis:
 *   {prefix}user:{id}      hash  id, email, passwordHash, createdAt, unverified = "1" until the email is verified,
 *                                locked = "1" while an admin disabled it
 *   {prefix}email:{email}  string → id (unique email, claimed with SET NX after the user hash is written)
 * Redis failures come back as `{ ok: false, reason: "unavailable" }`, never as exceptions.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { authEnv } from "./env";
import { emailKey, userKey } from "./keys";
import { authRedis } from "./redis";

export type User = {
  id: string;
  email: string;
  passwordHash: string;
  createdAt: number;
  /** The owner opened a verification or reset link (accounts from before verification count as verified). */
  verified: boolean;
  /** An administrator disabled the account (absent otherwise). */
  locked?: boolean;
};
export type Unavailable = { ok: false; reason: "unavailable" };

const userRecordSchema = z.object({
  id: z.string().min(1),
  email: z.string().min(1),
  passwordHash: z.string().min(1),
  createdAt: z.coerce.number().int().nonnegative(),
  unverified: z.coerce.string().optional(),
  locked: z
    .unknown()
    .optional()
    .transform((value) => (String(value) === "1" ? true : undefined)),
});

function toUser(record: z.infer<typeof userRecordSchema>): User {
  const { unverified, locked, ...rest } = record;
  return { ...rest, verified: unverified !== "1", ...(locked === true ? { locked } : {}) };
}

// KEYS[1] user key. Only marks an existing user.
const MARK_VERIFIED_SCRIPT = `
if redis.call("EXISTS", KEYS[1]) == 0 then
  return 0
end
redis.call("HDEL", KEYS[1], "unverified")
return 1
`;

// KEYS[1] user key; ARGV "1" to lock, "0" to unlock. Only updates an existing user.
const SET_LOCKED_SCRIPT = `
if redis.call("EXISTS", KEYS[1]) == 0 then
  return 0
end
if ARGV[1] == "1" then
  redis.call("HSET", KEYS[1], "locked", "1")
else
  redis.call("HDEL", KEYS[1], "locked")
end
return 1
`;

// KEYS[1] user key; ARGV new hash. Only updates an existing user.
const UPDATE_PASSWORD_SCRIPT = `
if redis.call("EXISTS", KEYS[1]) == 0 then
  return 0
end
redis.call("HSET", KEYS[1], "passwordHash", ARGV[1])
return 1
`;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function createUser(input: {
  email: string;
  passwordHash: string;
  /** False for a sign-up that still has to open its verification link. @default true */
  verified?: boolean;
}): Promise<{ ok: true; user: User } | { ok: false; reason: "email_taken" } | Unavailable> {
  const { AUTH_KEY_PREFIX: prefix } = authEnv();
  const user: User = {
    id: randomUUID(),
    email: normalizeEmail(input.email),
    passwordHash: input.passwordHash,
    createdAt: Date.now(),
    verified: input.verified !== false,
  };
  // Two commands, not one script: the email key and the user key hash to different Redis Cluster slots, and a
  // script may only touch one slot. The hash goes first under a fresh id; losing the email race deletes it, so a
  // crash in between leaves at most an unreachable hash, never an email that points at nobody.
  const key = userKey(prefix, user.id);
  try {
    const redis = authRedis();
    await redis.hset(key, {
      id: user.id,
      email: user.email,
      passwordHash: user.passwordHash,
      createdAt: String(user.createdAt),
      ...(user.verified ? {} : { unverified: "1" }),
    });
    const claimed = await redis.set(emailKey(prefix, user.email), user.id, { nx: true });
    if (claimed === null) {
      await redis.del(key);
      return { ok: false, reason: "email_taken" };
    }
    return { ok: true, user };
  } catch {
    return { ok: false, reason: "unavailable" };
  }
}

export async function getUserById(userId: string): Promise<{ ok: true; user: User | null } | Unavailable> {
  const { AUTH_KEY_PREFIX: prefix } = authEnv();
  try {
    const record = await authRedis().hgetall(userKey(prefix, userId));
    if (record === null) return { ok: true, user: null };
    const parsed = userRecordSchema.safeParse(record);
    return { ok: true, user: parsed.success ? toUser(parsed.data) : null };
  } catch {
    return { ok: false, reason: "unavailable" };
  }
}

/** The id registered for `email` (one GET), or null. */
export async function findUserIdByEmail(
  email: string,
): Promise<{ ok: true; id: string | null } | Unavailable> {
  const { AUTH_KEY_PREFIX: prefix } = authEnv();
  try {
    const id = await authRedis().get<string>(emailKey(prefix, normalizeEmail(email)));
    return { ok: true, id: id === null ? null : String(id) };
  } catch {
    return { ok: false, reason: "unavailable" };
  }
}

export async function findUserByEmail(email: string): Promise<{ ok: true; user: User | null } | Unavailable> {
  const { AUTH_KEY_PREFIX: prefix } = authEnv();
  let userId: string | null;
  try {
    userId = await authRedis().get<string>(emailKey(prefix, normalizeEmail(email)));
  } catch {
    return { ok: false, reason: "unavailable" };
  }
  if (userId === null) return { ok: true, user: null };
  return getUserById(userId);
}

export async function updatePasswordHash(
  userId: string,
  passwordHash: string,
): Promise<{ ok: true; updated: boolean } | Unavailable> {
  const { AUTH_KEY_PREFIX: prefix } = authEnv();
  try {
    const updated = await authRedis().eval(UPDATE_PASSWORD_SCRIPT, [userKey(prefix, userId)], [passwordHash]);
    return { ok: true, updated: Number(updated) === 1 };
  } catch {
    return { ok: false, reason: "unavailable" };
  }
}

/** Marks the user's email verified (a verification or reset link was opened); false when there is no such user. */
export async function markEmailVerified(
  userId: string,
): Promise<{ ok: true; updated: boolean } | Unavailable> {
  const { AUTH_KEY_PREFIX: prefix } = authEnv();
  try {
    const updated = await authRedis().eval(MARK_VERIFIED_SCRIPT, [userKey(prefix, userId)], []);
    return { ok: true, updated: Number(updated) === 1 };
  } catch {
    return { ok: false, reason: "unavailable" };
  }
}

/**
 * Disables (or enables again) an account. Lock first, then end its sessions with a credential reason: a sign-in
 * reads the credential version before this flag (sign-in.ts), so one in flight is refused either way.
 */
export async function setUserLocked(
  userId: string,
  locked: boolean,
): Promise<{ ok: true; updated: boolean } | Unavailable> {
  const { AUTH_KEY_PREFIX: prefix } = authEnv();
  try {
    const updated = await authRedis().eval(
      SET_LOCKED_SCRIPT,
      [userKey(prefix, userId)],
      [locked ? "1" : "0"],
    );
    return { ok: true, updated: Number(updated) === 1 };
  } catch {
    return { ok: false, reason: "unavailable" };
  }
}
