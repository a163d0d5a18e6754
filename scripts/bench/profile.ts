/**
 * Where a request's CPU goes inside `next start`: each build of the four-ways section started once more under
 * V8's sampling profiler (`node --cpu-prof`), loaded at 10 connections, and the main thread's samples inside the
 * load window (CLOCK_MONOTONIC, the clock of both V8's samples and `process.hrtime`) summed per component and
 * divided by the requests served. Frames in built files are attributed through their source maps to the module
 * they came from (the kit, zod, iron, Next's bundled adapter…), frames in node_modules by their path. Sampling
 * slows the process down: read the shares and the differences between builds, not the absolute req/s.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { connectCpuMeter } from "./cpu";
import { startApp } from "./next-app";
import type { RestProcess } from "./rest-process";
import { loadSourceLookup, type SourceLookup } from "./source-map";
import { cookiePerConnection } from "./throughput";
import type { InstanceId } from "./variants";

const SECONDS = Number(process.env.BENCH_PROFILE_SECONDS ?? 5);
const SAMPLE_INTERVAL_US = 250;

export const COMPONENTS = [
  "rendering (React, Next's app-page runtime)",
  "Next's server (routing, response, caches)",
  "middleware invocation (Next's adapter, Edge sandbox and its primitives)",
  "the kit (lib/session)",
  "zod",
  "iron-session / iron-webcrypto",
  "REST transport (fetch, undici)",
  "Web Crypto",
  "the app's own code (pages, lib/auth, lib/web)",
  "Node (http, streams, async hooks, timers)",
  "garbage collection",
  "V8 and native (compiler, builtins)",
] as const;

export type Component = (typeof COMPONENTS)[number];

export type ProfileRow = {
  variant: InstanceId;
  label: string;
  requests: number;
  rps: number;
  /** Main-thread ms per request, by component (idle excluded). */
  components: Record<Component, number>;
  mainThreadMs: number;
  /** Whole process (every thread, /proc) ms per request in the same window. */
  processMs: number;
};

export type ProfileResult = { rows: ProfileRow[]; seconds: number; intervalUs: number };

type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type CpuProfile = {
  nodes: { id: number; callFrame: CallFrame }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
};

/** The component of a module path: a source-map source or a file URL. */
function componentOfPath(path: string): Component {
  const decoded = decodeURIComponent(path);
  if (/node_modules\/zod\//.test(decoded)) return "zod";
  if (/node_modules\/(iron-session|iron-webcrypto|uncrypto)\//.test(decoded))
    return "iron-session / iron-webcrypto";
  if (/node_modules\/(undici|@upstash)\//.test(decoded) || decoded.includes("internal/deps/undici"))
    return "REST transport (fetch, undici)";
  if (/(^|\/)lib\/session\//.test(decoded)) return "the kit (lib/session)";
  if (
    /node_modules\/next\/dist\/(esm\/)?server\/web\/|edge-runtime|next\/dist\/compiled\/@edge-runtime/.test(
      decoded,
    )
  )
    return "middleware invocation (Next's adapter, Edge sandbox and its primitives)";
  if (/next\/dist\/compiled\/(next-server\/app-|react|react-dom|react-server)/.test(decoded))
    return "rendering (React, Next's app-page runtime)";
  if (/node_modules\/(react|react-dom|scheduler)\//.test(decoded))
    return "rendering (React, Next's app-page runtime)";
  if (decoded.includes("node_modules/next/")) return "Next's server (routing, response, caches)";
  if (decoded.includes("internal/crypto") || decoded.includes("webcrypto")) return "Web Crypto";
  if (decoded.startsWith("node:")) return "Node (http, streams, async hooks, timers)";
  if (/(^|\/)(lib|app)\/|(^|\/)(middleware|proxy)\.ts$/.test(decoded))
    return "the app's own code (pages, lib/auth, lib/web)";
  return "Next's server (routing, response, caches)";
}

function componentOf(frame: CallFrame, lookups: Map<string, SourceLookup | null>): Component | null {
  const { url, functionName } = frame;
  if (url === "") {
    if (functionName === "(idle)") return null;
    if (functionName === "(garbage collector)") return "garbage collection";
    return "V8 and native (compiler, builtins)";
  }
  if (url.includes("/.next/")) {
    const file = url.replace(/^file:\/\//, "");
    let lookup = lookups.get(file);
    if (lookup === undefined) {
      lookup = loadSourceLookup(file);
      lookups.set(file, lookup);
    }
    const source = lookup?.(frame.lineNumber, frame.columnNumber);
    if (source !== undefined) return componentOfPath(source);
  }
  return componentOfPath(url);
}

/** ms per request by component, from the samples taken between `fromUs` and `toUs` (monotonic µs). */
export function attribute(
  profile: CpuProfile,
  fromUs: number,
  toUs: number,
  requests: number,
): Record<Component, number> {
  const lookups = new Map<string, SourceLookup | null>();
  const byNode = new Map<number, Component | null>();
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const totals = Object.fromEntries(COMPONENTS.map((name) => [name, 0])) as Record<Component, number>;
  let at = profile.startTime;
  profile.samples.forEach((id, index) => {
    at += profile.timeDeltas[index] ?? 0;
    // A sample's delta is the time since the previous one: charge it to this sample's frame.
    if (at < fromUs || at > toUs) return;
    let component = byNode.get(id);
    if (component === undefined) {
      const frame = frames.get(id);
      component = frame === undefined ? null : componentOf(frame, lookups);
      byNode.set(id, component);
    }
    if (component !== null) totals[component] += (profile.timeDeltas[index] ?? 0) / 1000 / requests;
  });
  return totals;
}

const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

export async function profileBuilds(
  rest: RestProcess,
  redisUrl: string,
  builds: { id: InstanceId; label: string; dir: string; env: Record<string, string> }[],
  cookies: readonly string[],
): Promise<ProfileResult> {
  const rows: ProfileRow[] = [];
  for (const build of builds) {
    const dir = mkdtempSync(join(tmpdir(), "bench-profile-"));
    try {
      const app = await startApp(rest, build.env, build.dir, [
        "--cpu-prof",
        `--cpu-prof-dir=${dir}`,
        `--cpu-prof-interval=${SAMPLE_INTERVAL_US}`,
      ]);
      const cpu = await connectCpuMeter({ next: app.pid, rest: rest.pid }, redisUrl, rest.requests);
      const url = `${app.url}/account`;
      const headers = {};
      const perConnection = cookiePerConnection(headers, cookies);
      let result: autocannon.Result;
      let before: Awaited<ReturnType<typeof cpu.sample>>;
      let after: typeof before;
      let fromUs: number;
      let toUs: number;
      try {
        await autocannon({ url, headers, connections: 10, duration: 1.5, ...perConnection });
        before = await cpu.sample();
        fromUs = monotonicUs();
        result = await autocannon({ url, headers, connections: 10, duration: SECONDS, ...perConnection });
        toUs = monotonicUs();
        after = await cpu.sample();
      } finally {
        await cpu.close();
        await app.stop();
      }
      const failed = result.non2xx + result.errors + result.timeouts;
      if (failed > 0)
        throw new Error(`bench: ${build.label} answered ${failed} of the profiled requests with errors`);
      const file = readdirSync(dir).find(
        (name) => name.includes(`.${app.pid}.`) && name.endsWith(".cpuprofile"),
      );
      if (file === undefined) throw new Error(`bench: no CPU profile from ${build.label} in ${dir}`);
      const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile;
      const requests = result.requests.total;
      const components = attribute(profile, fromUs, toUs, requests);
      rows.push({
        variant: build.id,
        label: build.label,
        requests,
        rps: requests / result.duration,
        components,
        mainThreadMs: Object.values(components).reduce((sum, value) => sum + value, 0),
        processMs: (after.nextMs - before.nextMs) / requests,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { rows, seconds: SECONDS, intervalUs: SAMPLE_INTERVAL_US };
}
