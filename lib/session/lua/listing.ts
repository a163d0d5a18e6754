/**
 * The user's listing, shared by the two list scripts (list.ts, validate-list.ts): the Lua that reads it and the
 * TS that decodes it.
 *
 * What: the live records of the user's index (pruning it on the way) and the newest activity entries, each
 * newline-joined (records and log entries never contain a newline): some in-memory test engines cannot return a
 * table built in a loop. Decoded: the user's sessions, most recently active first, and the activity.
 * Seam: `activityCount` bounds how many activity entries a caller may ask for.
 */
import { decodeActivityLines } from "../activity";
import { decodeStoredValue } from "../record";
import type { Session, SessionListing } from "../types";
import { splitLines } from "./prelude";

/** Lua (after SESSIONS): the listing of index `idx`, and `count` entries of the log at `logKey`. */
export const LISTING = `
local function listing(idx, sp, now, logKey, count)
  local alive = prune(idx, sp, now)
  expireIndex(idx, sp, alive)
  local out = {}
  for _, m in ipairs(alive) do out[#out + 1] = m.raw end
  local activity = ''
  if logKey and count > 0 then
    activity = table.concat(redis.call('LRANGE', logKey, 0, count - 1), '\\n')
  end
  return table.concat(out, '\\n'), activity
end
`;

/** How many activity entries to read: 1-1000. */
export function activityCount(limit: number): number {
  return Math.max(1, Math.min(1000, Math.floor(limit)));
}

/** The count a list script's ARGV carries: 0 (no activity) unless the caller asked for some. */
export function wantedActivity(activityLimit: number | undefined): string {
  return String(activityLimit === undefined ? 0 : activityCount(activityLimit));
}

/** A list script's two replies decoded: this user's live sessions, most recently active first, and activity. */
export function toListing(
  records: unknown,
  log: unknown,
  userId: string,
  withActivity: boolean,
): SessionListing {
  const sessions: Session[] = [];
  for (const value of splitLines(records)) {
    const stored = decodeStoredValue(value);
    if (stored.kind === "session" && stored.session.userId === userId) sessions.push(stored.session);
  }
  sessions.sort((a, b) => b.lastActiveAt - a.lastActiveAt || b.createdAt - a.createdAt);
  return withActivity ? { sessions, activity: decodeActivityLines(splitLines(log)) } : { sessions };
}
