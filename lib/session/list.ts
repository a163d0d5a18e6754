/**
 * Listing: a user's live sessions and, when asked, their newest security activity, in one script.
 *
 * What: `listUserSessions` is one script that prunes the user's index on the way and returns the live records,
 * most recently active first (lua/listing.ts decodes them).
 * Cost (Redis commands): 1 script.
 * Seam: the activity log is on only with the kit's `activity` option (activity.ts); off, it reads empty.
 */
import { assertUserId, type SessionContext } from "./context";
import { userKeys } from "./keys";
import { LIST } from "./lua/list";
import { runScript } from "./store";
import type { ListSessionsResult } from "./types";

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
