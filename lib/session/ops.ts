/**
 * The kit's opt-in operations, one entry point apart from the session verbs (index.ts):
 *   metrics   — `formatPrometheus` for a snapshot from `kit.readMetrics()` (metrics.ts)
 *   activity  — the types of the security activity log entries (activity.ts)
 *   notices   — `Notifier` and the development notifiers: console and the Redis outbox (notify.ts), for
 *               new-device notices and account mail (verification, reset: mail.ts)
 *   cleanup   — `cleanupSessions`, the SCAN-based keyspace repair, with `createStoreClient` to reach the store
 *               the same way the kit does (cleanup.ts, store.ts)
 *   sweep     — `revokeAllUsersSessions`, "sign out everyone" for incident response, and `readSweepProgress`
 *               (sweep.ts)
 * Import it from server code only (the outbox and cleanup need a Redis client; nothing here is for middleware).
 */
export { formatPrometheus } from "./metrics";
export type { MetricsSnapshot, BucketCounts, EndReason } from "./metrics";
export { ACCOUNT_EVENTS } from "./activity";
export type { AccountEvent, ActivityEntry, ActivityOptions, ActivityType } from "./activity";
export { consoleNotifier, describeNotice, outboxNotifier, readOutbox } from "./notify";
export type { NewDeviceNotice, Notifier } from "./notify";
export { describeMail, readMailOutbox } from "./mail";
export type { AccountMail } from "./mail";
export { cleanupSessions } from "./cleanup";
export type { CleanupOptions, CleanupReport } from "./cleanup";
export { createStoreClient } from "./client";
export { readSweepProgress, revokeAllUsersSessions } from "./sweep";
export type { SweepOptions, SweepProgress } from "./sweep";
