/**
 * Protected vs public page throughput on `next start` under the same load (autocannon, same connections and
 * duration), in rounds whose order rotates so that background load on the machine hits every page alike. The
 * signed-in public page separates the session check's cost from the protected page's own rendering; index.ts also
 * loads the same pages on a second app with the revalidate window on, which takes the per-request Redis GET away,
 * in the same rounds.
 */
import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import type { CpuMeter } from "./cpu";
import { summarize } from "./stats";

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
  /** REST requests and Redis commands (inside scripts included) per request served. */
  perRequest: { restRequests: number; redisCommands: number };
};

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

type RunResult = {
  requests: number;
  duration: number;
  failed: number;
  p50: number;
  p99: number;
};

/** One connection, one request after the other, timed to the microsecond (autocannon rounds to whole ms). */
async function runSequential(
  url: string,
  headers: Record<string, string>,
  seconds: number,
): Promise<RunResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  const once = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = request(url, { agent, headers }, (res) => {
        res.on("data", () => {});
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end();
    });
  while (performance.now() - started < seconds * 1000) {
    const at = performance.now();
    const status = await once().catch(() => 0);
    latencies.push(performance.now() - at);
    if (status < 200 || status >= 300) failed += 1;
  }
  agent.destroy();
  const summary = summarize(latencies);
  return {
    requests: latencies.length,
    duration: (performance.now() - started) / 1000,
    failed,
    p50: summary.p50,
    p99: summary.p99,
  };
}

/**
 * autocannon options giving each connection its own session cookie, round robin (none without cookies): as many
 * browsers as connections, each with its own Redis key.
 */
export function cookiePerConnection(
  headers: Record<string, string>,
  cookies: readonly string[],
): Pick<autocannon.Options, "setupClient"> {
  if (cookies.length === 0) return {};
  let next = 0;
  return {
    setupClient: (client) => {
      client.setHeaders({ ...headers, cookie: cookies[next++ % cookies.length] });
    },
  };
}

async function run(
  url: string,
  headers: Record<string, string>,
  seconds: number,
  connections = CONNECTIONS,
  cookies: readonly string[] = [],
): Promise<RunResult> {
  if (connections === 1) {
    const first = cookies[0];
    return runSequential(url, first === undefined ? headers : { ...headers, cookie: first }, seconds);
  }
  const result = await autocannon({
    url,
    headers,
    connections,
    duration: seconds,
    pipelining: 1,
    ...cookiePerConnection(headers, cookies),
  });
  return {
    requests: result.requests.total,
    duration: result.duration,
    failed: result.non2xx + result.errors + result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

/** `cookies`: a session cookie per connection (round robin), instead of the one in `headers`. */
export type PageTarget = {
  name: string;
  path: string;
  headers: Record<string, string>;
  cookies?: readonly string[];
};

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

/** A page on one running app, with the meter of that app's process tree; `connections` overrides the default. */
export type LoadTarget = PageTarget & { url: string; cpu: CpuMeter; connections?: number };

/**
 * Every target, in the same rotating rounds: targets on different apps (index.ts runs two) see the same drift
 * of the machine, so their ratios can be compared.
 */
export async function measureThroughput(
  targets: LoadTarget[],
  options: { rounds?: number; roundSeconds?: number } = {},
): Promise<ThroughputRow[]> {
  const rounds = options.rounds ?? ROUNDS;
  const roundSeconds = options.roundSeconds ?? ROUND_SECONDS;
  // Warm-up, one target at a time (all at once would time out on two cores with many apps).
  for (const target of targets) await run(target.url, target.headers, 1, target.connections, target.cookies);
  const totals = targets.map((target) => ({
    name: target.name,
    requests: 0,
    seconds: 0,
    non2xx: 0,
    p50: [] as number[],
    p99: [] as number[],
    cpu: { next: 0, bench: 0, rest: 0, redis: 0 },
    restRequests: 0,
    redisCommands: 0,
  }));
  for (let round = 0; round < rounds; round += 1) {
    // Rotate the order every round so that drifting background load hits every page alike.
    const order = targets.map((_, index) => (index + round) % targets.length);
    for (const index of order) {
      const target = targets[index];
      const total = totals[index];
      if (target === undefined || total === undefined) continue;
      const before = await target.cpu.sample();
      const result = await run(target.url, target.headers, roundSeconds, target.connections, target.cookies);
      const after = await target.cpu.sample();
      total.cpu.next += after.nextMs - before.nextMs;
      total.cpu.bench += after.benchMs - before.benchMs;
      total.cpu.rest += after.restMs - before.restMs;
      total.cpu.redis += after.redisMs - before.redisMs;
      total.restRequests += after.restRequests - before.restRequests;
      total.redisCommands += after.redisCommands - before.redisCommands;
      total.requests += result.requests;
      total.seconds += result.duration;
      total.non2xx += result.failed;
      total.p50.push(result.p50);
      total.p99.push(result.p99);
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
    perRequest: {
      restRequests: total.restRequests / total.requests,
      redisCommands: total.redisCommands / total.requests,
    },
  }));
}

/** How the load was generated, for the report. */
export const LOAD = { connections: CONNECTIONS, roundSeconds: ROUND_SECONDS, rounds: ROUNDS };
