/**
 * The kit's opt-in operations, one entry point apart from the session verbs (index.ts):
 *   metrics   — `formatPrometheus` for a snapshot from `kit.readMetrics()` (metrics.ts)
 *   activity  — the types of the security activity log entries (activity.ts)
 *   notices   — `Notifier` and the development notifiers: console and the Redis outbox (notify.ts)
 *   cleanup   — `cleanupSessions`, the SCAN-based keyspace repair, with `createStoreClient` to reach the store
 *               the same way the kit does (cleanup.ts, store.ts)
 *   signing   — `createSigner`, the kit's HMAC token format with a key derived for your own purpose (signed.ts),
 *               for app cookies that need the kit's secret without holding it twice
 * Import it from server code only (the outbox and cleanup need a Redis client; nothing here is for middleware).
 */
export { formatPrometheus } from "./metrics";
export type { MetricsSnapshot, BucketCounts, EndReason } from "./metrics";
export type { ActivityEntry, ActivityOptions, ActivityType } from "./activity";
export { consoleNotifier, describeNotice, outboxNotifier, readOutbox } from "./notify";
export type { NewDeviceNotice, Notifier } from "./notify";
export { cleanupSessions } from "./cleanup";
export type { CleanupOptions, CleanupReport } from "./cleanup";
export { createStoreClient } from "./client";
export { createSigner } from "./signed";
export type { Signer } from "./signed";
