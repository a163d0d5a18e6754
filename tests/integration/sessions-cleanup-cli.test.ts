import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { randomPrefix, testRedis } from "@/tests/support/redis";

const run = promisify(execFile);

describe("npm run sessions:cleanup", () => {
  it("prints progress on stderr and a JSON summary on stdout, and exits 0 when the walk completed", async () => {
    const prefix = randomPrefix("cli");
    await testRedis().zadd(`${prefix}{cli-user}:idx`, { score: 1, member: "b".repeat(64) });
    const { stdout, stderr } = await run(
      process.execPath,
      ["--import", "tsx", "scripts/sessions-cleanup.ts"],
      { env: { ...process.env, SESSION_KEY_PREFIX: prefix }, timeout: 30_000 },
    );
    expect(stderr).toMatch(/sessions:cleanup: \d+ keys scanned, 1 dead index entries pruned/);
    const summary = JSON.parse(stdout) as { complete: boolean; prunedIndexEntries: number; indexes: number };
    expect(summary).toMatchObject({ complete: true, prunedIndexEntries: 1, indexes: 1 });
  });
});
