/**
 * The short soak (the long one is `npm run soak`, not in CI): 20 s of mixed create/validate/touch/list/revoke
 * against a stack of its own, at a concurrency that leaves room for the other test files on two cores.
 * Zero errors (every held cookie validates as its own user; nothing is "unavailable"), and bounded memory: the
 * heap after a full GC (what the process retains) grows by less than 16 MB from the first to the last fifth.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSoak, soakKit } from "@/scripts/soak";
import { type Stack, hasRedisServer, startStack } from "@/scripts/stack";

const MB = 1024 * 1024;

describe.runIf(hasRedisServer())("soak (short)", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ useRedisUrl: false, allowEmbedded: false });
  }, 30_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it("runs 20 s of mixed operations with 0 errors and retained heap growth under 16 MB", async () => {
    const kit = soakKit(stack);
    const report = await runSoak({ kit, durationMs: 20_000, concurrency: 8, users: 50 });
    console.info(
      `soak-short: ${report.ops} ops, ${report.opsPerSecond.toFixed(0)} ops/s, p99 ${report.latencyMs.p99.toFixed(1)} ms, ` +
        `rss growth ${(report.rssGrowthBytes / MB).toFixed(1)} MB, heap-after-GC growth ${(report.heapGrowthBytes / MB).toFixed(1)} MB`,
    );
    expect(report.errorSamples, "errors").toEqual([]);
    expect(report.errors).toBe(0);
    expect(report.ops, "the soak did real work").toBeGreaterThan(1_000);
    for (const [operation, count] of Object.entries(report.byOperation)) {
      expect(count, `${operation} operations`).toBeGreaterThan(0);
    }
    expect(report.rssSamples.length).toBeGreaterThanOrEqual(15);
    expect(
      report.heapGrowthBytes / MB,
      "heap after GC, growth from the first to the last fifth (MB)",
    ).toBeLessThan(16);
  }, 60_000);
});
