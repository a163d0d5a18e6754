/**
 * "Sign out everyone" (incident response): ends every session of every user with the reason
 * "signed_out_everyone", while users keep signing in.
 *
 * How: raise the sweep epoch (keys.ts `sweepKeys`), then walk the users' session indexes (`P{U}:idx`) with SCAN
 * and run `revokeUserSessions(userId, "signed_out_everyone")` for each: one script in that user's slot that marks
 * every live session and raises the user's credential version (a credential reason, ADR 007).
 * Why it leaves no session that started before it:
 *   - a session created before the sweep started is in its user's index from then until it ends, and SCAN returns
 *     every key present for the whole walk, so its user is visited and the session marked;
 *   - a sign-in still checking the password when its user is visited read the old credential version: refused;
 *   - a sign-in whose user had no index when SCAN went by reads the epoch before its clock and again after its
 *     script (create.ts): the raise falls in between, so it ends its own session.
 * Sessions created after the sweep visited their user survive; one created during the walk but before the visit
 * is ended too (the sweep cannot tell it apart, and ending it is the safe side).
 * Why SCAN over the indexes rather than a user registry: the kit has no registry to keep in step with the app,
 * only users with an index have anything to end, and a per-user script is what Redis Cluster and Upstash allow
 * (one slot each); the protected request still costs one GET, no global key is read per request.
 * Progress: kept in `P{#sweep}:progress` after every SCAN batch, so a page can show it and `resume: true` can
 * continue a walk that ran out of `maxDurationMs` (or whose process died) from its last saved cursor. Running a
 * batch twice is harmless: it only signs out again someone who signed in after the first visit.
 * Seam: `batchSize` (SCAN COUNT hint) and `concurrency` (users revoked at once) trade speed for load.
 */
import type { Redis } from "@upstash/redis";
import * as z from "zod/mini";
import { sweepKeys } from "./keys";
import type { SessionKit } from "./kit";
import { attempt, UNAVAILABLE } from "./store";
import type { Unavailable } from "./types";

export type SweepProgress = {
  /** The epoch this sweep raised (create.ts compares it). */
  epoch: string;
  startedAt: number;
  updatedAt: number;
  /** SCAN cursor to resume from; "0" with `complete`. */
  cursor: string;
  /** Session indexes visited (SCAN may return one twice: then it counts twice). */
  users: number;
  /** Sessions ended. */
  revoked: number;
  complete: boolean;
};

export type SweepOptions = {
  /** The kit whose sessions to end: its `revokeUserSessions` (scripts, activity log, metrics) and key prefix. */
  kit: SessionKit;
  /** A client of the same store, for SCAN and the progress hash (e.g. ops.ts `createStoreClient`). */
  redis: Redis;
  /** Continue the latest sweep when it is not complete; otherwise (and by default) start a new one. */
  resume?: boolean;
  /** SCAN COUNT hint. @default 500 */
  batchSize?: number;
  /** Users revoked at once within a batch. @default 8 */
  concurrency?: number;
  /** Stop after this long with `complete: false`; call again with `resume: true`. @default no limit */
  maxDurationMs?: number;
  onProgress?: (progress: SweepProgress) => void;
  now?: () => number;
};

const progressSchema = z.object({
  epoch: z.coerce.string(),
  startedAt: z.coerce.number(),
  updatedAt: z.coerce.number(),
  cursor: z.coerce.string(),
  users: z.coerce.number(),
  revoked: z.coerce.number(),
  complete: z.pipe(
    z.coerce.string(),
    z.transform((value: string) => value === "1"),
  ),
});

function globEscape(value: string): string {
  return value.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The latest sweep's progress, or null when none ever ran. */
export async function readSweepProgress(
  redis: Redis,
  keyPrefix: string,
): Promise<{ ok: true; progress: SweepProgress | null } | Unavailable> {
  const read = await attempt(() => redis.hgetall(sweepKeys(keyPrefix).progress));
  if (!read.ok) return UNAVAILABLE;
  if (read.value === null) return { ok: true, progress: null };
  const parsed = progressSchema.safeParse(read.value);
  return { ok: true, progress: parsed.success ? parsed.data : null };
}

async function save(redis: Redis, key: string, progress: SweepProgress): Promise<boolean> {
  const fields = { ...progress, complete: progress.complete ? "1" : "0" };
  const saved = await attempt(() => redis.hset(key, fields));
  return saved.ok;
}

export async function revokeAllUsersSessions(
  options: SweepOptions,
): Promise<{ ok: true; progress: SweepProgress } | Unavailable> {
  const { kit, redis } = options;
  const now = options.now ?? ((): number => Date.now());
  const started = Date.now();
  const prefix = kit.config.keyPrefix;
  const keys = sweepKeys(prefix);
  const concurrency = Math.max(1, options.concurrency ?? 8);

  let progress: SweepProgress | null = null;
  if (options.resume === true) {
    const latest = await readSweepProgress(redis, prefix);
    if (!latest.ok) return latest;
    if (latest.progress !== null && !latest.progress.complete) progress = latest.progress;
  }
  if (progress === null) {
    // The epoch goes up before the first SCAN: every sign-in from here on either is scanned or sees it.
    const raised = await attempt(() => redis.incr(keys.epoch));
    if (!raised.ok) return UNAVAILABLE;
    const at = now();
    progress = {
      epoch: String(raised.value),
      startedAt: at,
      updatedAt: at,
      cursor: "0",
      users: 0,
      revoked: 0,
      complete: false,
    };
    if (!(await save(redis, keys.progress, progress))) return UNAVAILABLE;
  }

  const indexKey = new RegExp(`^${escapeRegExp(prefix)}\\{([^{}]*)\\}:idx$`);
  for (;;) {
    const cursor = progress.cursor;
    const scanned = await attempt(() =>
      redis.scan(cursor, { match: `${globEscape(prefix)}{*}:idx`, count: options.batchSize ?? 500 }),
    );
    if (!scanned.ok) return UNAVAILABLE;
    const [next, found] = scanned.value;
    const userIds: string[] = [];
    for (const key of found) {
      const tag = indexKey.exec(key)?.[1];
      if (tag === undefined) continue;
      try {
        const userId = decodeURIComponent(tag);
        if (userId !== "" && userId.length <= 256) userIds.push(userId);
      } catch {
        // Not a tag the kit wrote (encodeURIComponent output always decodes): nothing of ours to end.
      }
    }
    for (let i = 0; i < userIds.length; i += concurrency) {
      const results = await Promise.all(
        userIds
          .slice(i, i + concurrency)
          .map((userId) => kit.revokeUserSessions(userId, "signed_out_everyone")),
      );
      for (const result of results) {
        // The cursor stays at this batch's start: a resume runs the batch again.
        if (!result.ok) return UNAVAILABLE;
        progress.revoked += result.revoked;
      }
    }
    progress.users += userIds.length;
    progress.cursor = String(next);
    progress.complete = progress.cursor === "0";
    progress.updatedAt = now();
    if (!(await save(redis, keys.progress, progress))) return UNAVAILABLE;
    options.onProgress?.({ ...progress });
    if (progress.complete) return { ok: true, progress };
    if (options.maxDurationMs !== undefined && Date.now() - started >= options.maxDurationMs) {
      return { ok: true, progress };
    }
  }
}
