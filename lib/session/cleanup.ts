/**
 * Keyspace cleanup: walks every key under the session prefix with SCAN (never KEYS), prunes dead index entries,
 * and reports and fixes keys without a TTL. Safe to run at any time, repeatedly, while users sign in.
 *
 * What each key gets (formats in keys.ts):
 *   P{U}:idx        the same prune the session scripts run (dead members out, TTL = longest member's)
 *   P{U}:s:<hash>   without a TTL: a record gets min(idle, absolute) left from its own header (or is deleted when
 *                   past it); a marker gets the marker TTL. A live record missing from its index is put back, so
 *                   the device cap and the devices page see it.
 *   P{U}:log, P{U}:outbox, P{U}:report:<nonce>  without a TTL: 90 days, 1 day, 1 day
 *   P{#metrics}:*   without a TTL: the metrics retention
 *   anything else   counted as unknown, never deleted
 * Why it is race-free: each per-key fix is one Lua script over that session key and its user's index (one hash
 * slot), so it runs between — never inside — a sign-in, touch or revoke script, and judges liveness the same way
 * they do. Running it twice changes nothing the second time (idempotent).
 * Seam: pass `maxDurationMs` and a `cursor` to walk a large keyspace in slices (e.g. from a cron route).
 */
import type { Redis } from "@upstash/redis";
import type { SessionConfig } from "./config";
import { metricsKeys } from "./keys";

/** Same liveness rules as scripts.ts (record header `expiresAt:absoluteExpiresAt:lastActiveAt:remember:id:`). */
const CLEANUP_PRELUDE = `
local function header(v)
  local e, a = string.match(v, '^(%d+):(%d+):%d+:[01]:[%w_%-]+:')
  if not e then return nil end
  return tonumber(e), tonumber(a)
end
local function ms(n) return string.format('%.0f', n) end
`;

/**
 * KEYS: [index]  ARGV: [sessionPrefix, now]
 * Returns {removed index members, live members}.
 */
export const PRUNE_INDEX_SCRIPT = `${CLEANUP_PRELUDE}
local idx, sp, now = KEYS[1], ARGV[1], tonumber(ARGV[2])
local removed, maxTtl, live = 0, 0, 0
for _, h in ipairs(redis.call('ZRANGE', idx, 0, -1)) do
  local raw = redis.call('GET', sp .. h)
  local e, a = nil, nil
  if raw then e, a = header(raw) end
  if e and e > now and a > now then
    live = live + 1
    local ttl = redis.call('PTTL', sp .. h)
    -- A member without a TTL still counts for its own remaining life (the per-key pass gives it that TTL).
    if ttl == -1 then ttl = math.min(e, a) - now end
    if ttl > maxTtl then maxTtl = ttl end
  else
    redis.call('ZREM', idx, h)
    removed = removed + 1
  end
end
if maxTtl > 0 then redis.call('PEXPIRE', idx, maxTtl) else redis.call('DEL', idx) end
return {removed, live}
`;

/**
 * KEYS: [session key, index]  ARGV: [token hash, now, markerMs]
 * Returns 0 nothing to do, 2 marker TTL set, 3 dead or unreadable value deleted, else a live record's bits:
 * 1 its TTL was set, 4 it was put back into its index (5 = both).
 */
export const FIX_SESSION_SCRIPT = `${CLEANUP_PRELUDE}
local key, idx, hash, now, markerMs = KEYS[1], KEYS[2], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local raw = redis.call('GET', key)
if not raw then return 0 end
local pttl = redis.call('PTTL', key)
if string.sub(raw, 1, 1) == '!' then
  if pttl == -1 then redis.call('PEXPIRE', key, ms(markerMs)) return 2 end
  return 0
end
local e, a = header(raw)
if not e or e <= now or a <= now then
  if pttl == -1 or not e then redis.call('DEL', key) redis.call('ZREM', idx, hash) return 3 end
  return 0
end
local left = math.min(e, a) - now
local fixed = 0
if pttl == -1 then redis.call('PEXPIRE', key, ms(left)) fixed = 1 end
if not redis.call('ZSCORE', idx, hash) then
  local createdAt = string.match(raw, '"createdAt":(%d+)') or ms(now)
  redis.call('ZADD', idx, createdAt, hash)
  if redis.call('PTTL', idx) < left then redis.call('PEXPIRE', idx, ms(left)) end
  fixed = fixed + 4
end
return fixed
`;

export type CleanupReport = {
  /** Keys SCAN returned (a key may be seen more than once: SCAN's guarantee is "at least once"). */
  scanned: number;
  indexes: number;
  sessionKeys: number;
  /** Index members whose session was gone, a marker, or past its own timestamps. */
  prunedIndexEntries: number;
  /** Keys found without a TTL, by kind, and what was done. */
  recordsWithoutTtl: number;
  markersWithoutTtl: number;
  metricKeysWithoutTtl: number;
  indexesWithoutTtl: number;
  /** Activity logs, dev outboxes and used report links without a TTL (given one). */
  otherUserKeysWithoutTtl: number;
  deadValuesDeleted: number;
  reindexedSessions: number;
  /** Keys under the prefix the kit does not recognise (left alone), and how many of them have no TTL. */
  unknownKeys: number;
  unknownKeysWithoutTtl: number;
  /** false when `maxDurationMs` ran out: continue from `cursor`. */
  complete: boolean;
  cursor: string;
};

export type CleanupOptions = {
  redis: Redis;
  config: Pick<SessionConfig, "keyPrefix" | "markerTtlSeconds">;
  now?: () => number;
  /** SCAN COUNT hint. @default 500 */
  batchSize?: number;
  /** Called after every SCAN batch. */
  onProgress?: (report: CleanupReport) => void;
  /** Stop after this long and return `complete: false` with the cursor to resume from. @default no limit */
  maxDurationMs?: number;
  /** Resume a previous walk. @default "0" */
  cursor?: string;
  /** TTL given to metric keys found without one. @default 90 days */
  metricsTtlSeconds?: number;
};

function globEscape(value: string): string {
  return value.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export async function cleanupSessions(options: CleanupOptions): Promise<CleanupReport> {
  const { redis, config } = options;
  const now = options.now ?? ((): number => Date.now());
  const started = Date.now();
  const prefix = config.keyPrefix;
  const metricsBase = metricsKeys(prefix).live.replace(/live$/, "");
  const userKey = new RegExp(`^${escapeRegExp(prefix)}\\{([^{}]*)\\}:(idx|s:([0-9a-f]{64}))$`);
  const otherUserKey = new RegExp(`^${escapeRegExp(prefix)}\\{[^{}]*\\}:(log|outbox|report:[A-Za-z0-9_-]+)$`);
  const prune = redis.createScript<unknown>(PRUNE_INDEX_SCRIPT);
  const fix = redis.createScript<unknown>(FIX_SESSION_SCRIPT);
  const markerMs = String(config.markerTtlSeconds * 1000);
  const report: CleanupReport = {
    scanned: 0,
    indexes: 0,
    sessionKeys: 0,
    prunedIndexEntries: 0,
    recordsWithoutTtl: 0,
    markersWithoutTtl: 0,
    metricKeysWithoutTtl: 0,
    indexesWithoutTtl: 0,
    otherUserKeysWithoutTtl: 0,
    deadValuesDeleted: 0,
    reindexedSessions: 0,
    unknownKeys: 0,
    unknownKeysWithoutTtl: 0,
    complete: false,
    cursor: options.cursor ?? "0",
  };

  do {
    const [next, keys] = await redis.scan(report.cursor, {
      match: `${globEscape(prefix)}*`,
      count: options.batchSize ?? 500,
    });
    for (const key of keys) {
      report.scanned++;
      const match = userKey.exec(key);
      if (match !== null) {
        const base = `${prefix}{${match[1] ?? ""}}`;
        const hash = match[3];
        if (hash === undefined) {
          report.indexes++;
          if ((await redis.pttl(key)) === -1) report.indexesWithoutTtl++;
          const [removed] = (await prune.exec([key], [`${base}:s:`, String(now())])) as unknown[];
          report.prunedIndexEntries += Number(removed) || 0;
        } else {
          report.sessionKeys++;
          const code = Number(await fix.exec([key, `${base}:idx`], [hash, String(now()), markerMs]));
          if (code === 1 || code === 5) report.recordsWithoutTtl++;
          if (code === 2) report.markersWithoutTtl++;
          if (code === 3) report.deadValuesDeleted++;
          if (code === 4 || code === 5) report.reindexedSessions++;
        }
        continue;
      }
      const ttl = await redis.pttl(key);
      const other = otherUserKey.exec(key);
      if (other !== null) {
        if (ttl === -1) {
          report.otherUserKeysWithoutTtl++;
          await redis.expire(key, other[1] === "log" ? 90 * 86400 : 86400);
        }
        continue;
      }
      if (key.startsWith(metricsBase)) {
        if (ttl === -1) {
          report.metricKeysWithoutTtl++;
          await redis.expire(key, options.metricsTtlSeconds ?? 90 * 86400);
        }
        continue;
      }
      report.unknownKeys++;
      if (ttl === -1) report.unknownKeysWithoutTtl++;
    }
    report.cursor = String(next);
    options.onProgress?.({ ...report });
    if (report.cursor === "0") break;
    if (options.maxDurationMs !== undefined && Date.now() - started >= options.maxDurationMs) return report;
  } while (report.cursor !== "0");
  report.complete = true;
  return report;
}
