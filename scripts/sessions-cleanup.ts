/**
 * npm run sessions:cleanup — walk the session keyspace with SCAN, prune dead index entries, report and fix keys
 * without a TTL (lib/session/cleanup.ts). Reads UPSTASH_REDIS_REST_URL/TOKEN and SESSION_* from the environment.
 * Progress goes to stderr, the JSON summary to stdout; exit code 0 when the walk completed.
 */
import { cleanupSessions } from "../lib/session/cleanup";
import { loadSessionConfig } from "../lib/session/config";
import { createStoreClient } from "../lib/session/client";

async function main(): Promise<number> {
  // The secret is not used here; accept a missing one so operators need only the store credentials.
  const env = { SESSION_SECRET: "x".repeat(32), ...process.env };
  const config = loadSessionConfig(undefined, env);
  const redis = createStoreClient({ ...config, redis: { ...config.redis, timeoutMs: 10_000 } }, env);
  const started = Date.now();
  const report = await cleanupSessions({
    redis,
    config,
    onProgress: (progress) => {
      process.stderr.write(
        `sessions:cleanup: ${progress.scanned} keys scanned, ${progress.prunedIndexEntries} dead index entries pruned, cursor ${progress.cursor}\n`,
      );
    },
  });
  process.stdout.write(`${JSON.stringify({ ...report, durationMs: Date.now() - started }, null, 2)}\n`);
  return report.complete ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`sessions:cleanup: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
