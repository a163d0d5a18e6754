/**
 * Protected vs public page throughput on `next start` under the same load (autocannon, same connections and
 * duration), in rounds whose order rotates so that background load on the machine hits every page alike. The
 * signed-in public page separates the session check's cost from the protected page's own rendering; index.ts also
 * loads the same pages on a second app with the revalidate window on, which takes the per-request Redis GET away,
 * in the same rounds.
 */
import autocannon from "autocannon";
import type { CpuMeter } from "./cpu";

export type ThroughputRow = {
  name: string;
  requests: number;
  seconds: number;
  rps: number;
  non2xx: number;
  p50: number;
  p99: number;
  /** CPU ms per request: the next start process tree, this process (autocannon), the REST server, redis-server. */
  cpuPerRequest: { next: number; bench: number; rest: number; redis: number };
};

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function run(url: string, headers: Record<string, string>, seconds: number): Promise<autocannon.Result> {
  return autocannon({ url, headers, connections: CONNECTIONS, duration: seconds, pipelining: 1 });
}

export type PageTarget = { name: string; path: string; headers: Record<string, string> };

export type ThroughputResult = {
  rows: ThroughputRow[];
  connections: number;
  roundSeconds: number;
  rounds: number;
};

/** The main comparison: the public page first, the protected page second (the target ratio is row 1 / row 0). */
export function mainTargets(cookie: string): PageTarget[] {
  return [
    { name: "public page / (no cookie)", path: "/", headers: {} },
    { name: "protected page /account (session cookie)", path: "/account", headers: { cookie } },
    // Same public page, signed in: separates the cost of the session check from the cost of rendering /account.
    { name: "public page / (session cookie)", path: "/", headers: { cookie } },
    // A public page with a form, like /account: separates rendering weight from the session check.
    { name: "public page /login (no cookie)", path: "/login", headers: {} },
  ];
}

/** A page on one running app, with the meter of that app's process tree. */
export type LoadTarget = PageTarget & { url: string; cpu: CpuMeter };

/**
 * Every target, in the same rotating rounds: targets on different apps (index.ts runs two) see the same drift
 * of the machine, so their ratios can be compared.
 */
export async function measureThroughput(targets: LoadTarget[]): Promise<ThroughputRow[]> {
  await Promise.all(targets.map((target) => run(target.url, target.headers, 2))); // warm-up
  const totals = targets.map((target) => ({
    name: target.name,
    requests: 0,
    seconds: 0,
    non2xx: 0,
    p50: [] as number[],
    p99: [] as number[],
    cpu: { next: 0, bench: 0, rest: 0, redis: 0 },
  }));
  for (let round = 0; round < ROUNDS; round += 1) {
    // Rotate the order every round so that drifting background load hits every page alike.
    const order = targets.map((_, index) => (index + round) % targets.length);
    for (const index of order) {
      const target = targets[index];
      const total = totals[index];
      if (target === undefined || total === undefined) continue;
      const before = await target.cpu.sample();
      const result = await run(target.url, target.headers, ROUND_SECONDS);
      const after = await target.cpu.sample();
      total.cpu.next += after.nextMs - before.nextMs;
      total.cpu.bench += after.benchMs - before.benchMs;
      total.cpu.rest += after.restMs - before.restMs;
      total.cpu.redis += after.redisMs - before.redisMs;
      total.requests += result.requests.total;
      total.seconds += result.duration;
      total.non2xx += result.non2xx + result.errors + result.timeouts;
      total.p50.push(result.latency.p50);
      total.p99.push(result.latency.p99);
    }
  }
  const median = (values: number[]): number =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  return totals.map((total) => ({
    name: total.name,
    requests: total.requests,
    seconds: total.seconds,
    rps: total.requests / total.seconds,
    non2xx: total.non2xx,
    p50: median(total.p50),
    p99: median(total.p99),
    cpuPerRequest: {
      next: total.cpu.next / total.requests,
      bench: total.cpu.bench / total.requests,
      rest: total.cpu.rest / total.requests,
      redis: total.cpu.redis / total.requests,
    },
  }));
}

/** How the load was generated, for the report. */
export const LOAD = { connections: CONNECTIONS, roundSeconds: ROUND_SECONDS, rounds: ROUNDS };
