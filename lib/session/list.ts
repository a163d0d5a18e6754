/**
 * Listing: a user's live sessions (with, when asked, their newest security activity), and the activity alone.
 *
 * What: `listUserSessions` is one script that prunes the user's index on the way and returns the live records,
 * most recently active first (lua/listing.ts decodes them); `listSecurityActivity` reads the activity log.
 * Cost (Redis commands): 1 script each.
 * Seam: the activity log is on only with the kit's `activity` option (activity.ts); off, it reads empty.
 */
import type { ActivityEntry } from "./activity";
import { assertUserId, type SessionContext } from "./context";
import { userKeys } from "./keys";
import { READ_ACTIVITY } from "./lua/activity-read";
import { LIST } from "./lua/list";
import { runScript } from "./store";
import type { ListSessionsResult, Unavailable } from "./types";

/** With `activityLimit`, the user's newest security activity comes back in the same round trip. */
export async function listUserSessions(
  ctx: SessionContext,
  userId: string,
  options: { activityLimit?: number } = {},
): Promise<ListSessionsResult> {
  assertUserId(userId, "listUserSessions");
  const result = await runScript(ctx.store, LIST, {
    userId,
    keys: userKeys(ctx.config.keyPrefix, userId),
    now: ctx.now(),
    activityLimit: options.activityLimit,
  });
  if (!result.ok) return result;
  return { ok: true, ...result.value };
}

/** The user's security activity, newest first (empty when the log is off). */
export async function listSecurityActivity(
  ctx: SessionContext,
  userId: string,
  limit = 20,
): Promise<{ ok: true; entries: ActivityEntry[] } | Unavailable> {
  assertUserId(userId, "listSecurityActivity");
  const log = userKeys(ctx.config.keyPrefix, userId).log;
  const result = await runScript(ctx.store, READ_ACTIVITY, { log, limit });
  if (!result.ok) return result;
  return { ok: true, entries: result.value };
}
