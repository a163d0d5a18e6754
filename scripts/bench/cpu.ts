/**
 * CPU time per component during a load round, to attribute throughput differences: the `next start` process tree
 * (middleware + rendering), this process (autocannon), the REST server's process tree and redis-server (INFO cpu);
 * and the REST requests and Redis commands in the same window, to divide by the requests served.
 * Linux /proc for the process tree; NaN elsewhere.
 */
import { readdirSync, readFileSync } from "node:fs";
import Redis from "ioredis";

export type CpuSample = {
  nextMs: number;
  benchMs: number;
  restMs: number;
  redisMs: number;
  /** Requests the REST server answered (NaN without a counter). */
  restRequests: number;
  /** Commands Redis ran (INFO commandstats), those inside scripts included, the meter's own INFO excluded. */
  redisCommands: number;
};

/** Sum of `calls=` over every command of INFO commandstats but INFO itself. */
function commandCalls(info: string): number {
  let total = 0;
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    if (match[1] !== "info") total += Number(match[2]);
  }
  return total;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces: split after its closing parenthesis.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** utime + stime of `rootPid` and all its descendants, in ms. */
export function processTreeCpuMs(rootPid: number): number {
  const parents = new Map<number, number>();
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return Number.NaN;
  }
  const cpu = new Map<number, number>();
  for (const name of pids) {
    const fields = statFields(Number(name));
    if (fields === null) continue;
    // After the name: state(0) ppid(1) ... utime(11) stime(12).
    parents.set(Number(name), Number(fields[1]));
    cpu.set(Number(name), ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND);
  }
  let total = 0;
  for (const pid of cpu.keys()) {
    for (let at: number | undefined = pid; at !== undefined && at > 1; at = parents.get(at)) {
      if (at === rootPid) {
        total += cpu.get(pid) ?? 0;
        break;
      }
    }
  }
  return total;
}

export type CpuMeter = { sample(): Promise<CpuSample>; close(): Promise<void> };

export async function connectCpuMeter(
  pids: { next: number; rest: number },
  redisUrl: string,
  restRequests: () => Promise<number> = async () => Number.NaN,
): Promise<CpuMeter> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  return {
    async sample() {
      const info = await redis.info("cpu");
      const commands = commandCalls(await redis.info("commandstats"));
      const seconds = (field: string): number => Number(new RegExp(`${field}:([\\d.]+)`).exec(info)?.[1]);
      const usage = process.cpuUsage();
      return {
        nextMs: processTreeCpuMs(pids.next),
        benchMs: (usage.user + usage.system) / 1000,
        restMs: processTreeCpuMs(pids.rest),
        redisMs: (seconds("used_cpu_user") + seconds("used_cpu_sys")) * 1000,
        restRequests: await restRequests(),
        redisCommands: commands,
      };
    },
    async close() {
      redis.disconnect();
    },
  };
}
