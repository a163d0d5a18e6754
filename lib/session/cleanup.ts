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
 *   P{#sweep}:*     the "sign out everyone" epoch and progress (sweep.ts): left alone, they never expire
 *   anything else   counted as unknown, never deleted
 * Why it is race-free: each per-key fix is one Lua script (lua/cleanup-*.ts) over that session key and its user's
 * index (one hash slot), so it runs between — never inside — a sign-in, touch or revoke script, and judges
 * liveness the same way they do (the same record-header helper, lua/prelude.ts). Running it twice changes nothing the second time (idempotent).
 * Seam: pass `maxDurationMs` and a `cursor` to walk a large keyspace in slices (e.g. from a cron route).
 */
import type { Redis } from "@upstash/redis";
import type { SessionConfig } from "./config";
import { metricsKeys, sweepKeys } from "./keys";
import { FIX_SESSION } from "./lua/cleanup-fix";
import { PRUNE_INDEX } from "./lua/cleanup-prune";
import { createStore, execScript } from "./store";

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
  // Wall time, not `now`: maxDurationMs budgets this call's real running time, whatever clock the records use.
  const started = Date.now();
  const prefix = config.keyPrefix;
  const metricsBase = metricsKeys(prefix).live.replace(/live$/, "");
  const sweepBase = sweepKeys(prefix).epoch.replace(/epoch$/, "");
  const userKey = new RegExp(`^${escapeRegExp(prefix)}\\{([^{}]*)\\}:(idx|s:([0-9a-f]{64}))$`);
  const otherUserKey = new RegExp(`^${escapeRegExp(prefix)}\\{[^{}]*\\}:(log|outbox|report:[A-Za-z0-9_-]+)$`);
  const store = createStore(redis);
  const markerMs = config.markerTtlSeconds * 1000;
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
          const input = { index: key, sessionPrefix: `${base}:s:`, now: now() };
          report.prunedIndexEntries += await execScript(store, PRUNE_INDEX, input);
        } else {
          report.sessionKeys++;
          const input = { key, index: `${base}:idx`, hash, now: now(), markerMs };
          const code = await execScript(store, FIX_SESSION, input);
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
      if (key.startsWith(sweepBase)) continue;
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
