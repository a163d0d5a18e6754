/**
 * Counts Redis commands at the server: `INFO commandstats` on the bench's own redis-server, read over a direct
 * TCP connection (not through the REST server or any of our code). The counter connection's own INFO calls are
 * removed from every delta.
 */
import Redis from "ioredis";
import { sleep } from "./stats";

export type CommandCounts = Record<string, number>;

export type CommandCounter = {
  snapshot(): Promise<CommandCounts>;
  /** Waits until the counts stop moving (after() / waitUntil work finishes), then returns the delta. */
  settle(before: CommandCounts): Promise<CommandCounts>;
  close(): Promise<void>;
};

function parseCommandStats(info: string): CommandCounts {
  const counts: CommandCounts = {};
  for (const line of info.split("\n")) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (match !== null) counts[match[1] ?? "?"] = Number(match[2]);
  }
  return counts;
}

export function diffCounts(before: CommandCounts, after: CommandCounts): CommandCounts {
  const delta: CommandCounts = {};
  for (const [name, calls] of Object.entries(after)) {
    if (name === "info") continue;
    const change = calls - (before[name] ?? 0);
    if (change > 0) delta[name] = change;
  }
  return delta;
}

export function totalCommands(counts: CommandCounts): number {
  return Object.values(counts).reduce((sum, value) => sum + value, 0);
}

export function formatCounts(counts: CommandCounts): string {
  const names = Object.keys(counts).sort();
  if (names.length === 0) return "none";
  return names.map((name) => `${name.toUpperCase()}×${counts[name]}`).join(" ");
}

export async function connectCounter(redisUrl: string): Promise<CommandCounter> {
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableReadyCheck: false });
  await client.connect();
  const snapshot = async (): Promise<CommandCounts> => parseCommandStats(await client.info("commandstats"));
  return {
    snapshot,
    async settle(before) {
      // Deferred work (after(), waitUntil) lands a few ms after the response: wait for two quiet reads.
      let last = await snapshot();
      for (let quiet = 0, round = 0; quiet < 2 && round < 40; round += 1) {
        await sleep(150);
        const next = await snapshot();
        const moved = totalCommands(diffCounts(last, next)) > 0;
        quiet = moved ? 0 : quiet + 1;
        last = next;
      }
      return diffCounts(before, last);
    },
    async close() {
      client.disconnect();
    },
  };
}
