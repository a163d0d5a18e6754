/**
 * Counts Redis commands at the server: MONITOR on the bench's own redis-server, over a direct TCP connection (not
 * through the REST server or any of our code). MONITOR tells the commands a client sent (one REST round trip
 * each) from the calls a Lua script made inside Redis (source "lua"), which `INFO commandstats` lumps together.
 * Only on during the commands-per-operation section: MONITOR slows Redis down.
 */
import Redis from "ioredis";
import { sleep } from "./stats";

export type CommandCounts = Record<string, number>;

/** What reached Redis in one window: commands sent by clients, and commands run inside scripts. */
export type Window = { sent: CommandCounts; inScripts: CommandCounts; trace: string[] };

export type CommandCounter = {
  /** Position in the command stream; pass it to `settle`. */
  mark(): number;
  /** Waits until the stream is quiet (after() / waitUntil work finishes), then returns what came after `from`. */
  settle(from: number): Promise<Window>;
  close(): Promise<void>;
};

type Seen = { name: string; lua: boolean; line: string };

export function totalCommands(counts: CommandCounts): number {
  return Object.values(counts).reduce((sum, value) => sum + value, 0);
}

export function formatCounts(counts: CommandCounts): string {
  const names = Object.keys(counts).sort();
  if (names.length === 0) return "none";
  return names.map((name) => `${name.toUpperCase()}×${counts[name]}`).join(" ");
}

function tally(seen: readonly Seen[], lua: boolean): CommandCounts {
  const counts: CommandCounts = {};
  for (const entry of seen) {
    if (entry.lua !== lua) continue;
    counts[entry.name] = (counts[entry.name] ?? 0) + 1;
  }
  return counts;
}

const QUIET_MS = 400;

export async function connectCounter(redisUrl: string): Promise<CommandCounter> {
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  const monitor = await client.monitor();
  const seen: Seen[] = [];
  let lastAt = Date.now();
  monitor.on("monitor", (_time: string, args: string[], source: string) => {
    const name = String(args[0] ?? "?").toLowerCase();
    // EVAL/EVALSHA: show the number of keys and the first key, not the script body.
    const shown = name === "eval" || name === "evalsha" ? args.slice(2, 4) : args.slice(1, 2);
    const line = `${source === "lua" ? "  lua" : "sent"} ${name} ${shown.join(" ").slice(0, 100)}`;
    seen.push({ name, lua: source === "lua", line });
    lastAt = Date.now();
  });
  return {
    mark: () => seen.length,
    async settle(from) {
      // Deferred work lands a few ms after the response: wait for QUIET_MS without a command (at most 10 s).
      const deadline = Date.now() + 10_000;
      await sleep(QUIET_MS);
      while (Date.now() - lastAt < QUIET_MS && Date.now() < deadline) await sleep(100);
      const window = seen.slice(from);
      return {
        sent: tally(window, false),
        inScripts: tally(window, true),
        trace: window.map((entry) => entry.line),
      };
    },
    async close() {
      monitor.disconnect();
      client.disconnect();
    },
  };
}
