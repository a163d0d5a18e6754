/**
 * `npm run bench [-- --compare] [--only app,four-ways,upstash] [--no-write]`: measures the kit on an isolated
 * stack and writes docs/BENCHMARKS.md (a full run only; `--only` prints the sections it ran). Not part of
 * `npm test`. Order: CPU costs and client latency (stack only); "app": `next build` + `next start` of the app for
 * the bundle size, commands per operation (MONITOR) and throughput; "four-ways": eight small builds of the same
 * page, their floors and a CPU profile per request (four-ways.ts, profile.ts); "upstash": commands and price per
 * request and session-hour. Loopback only.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { REPO_ROOT } from "../lib-next";
import { startStack } from "../stack";
import { newAccount, launchBrowser, openDevice, sessionCookieHeader, signIn, signUp } from "./browser";
import { middlewareBundleSize } from "./bundle";
import { connectCounter } from "./command-counter";
import { connectCpuMeter, type CpuMeter } from "./cpu";
import { measureCommandsPerOp, type OpRow } from "./commands-per-op";
import { measureCryptoCost } from "./crypto-cost";
import { enumerationSection, measureEnumeration } from "./enumeration";
import { measureLatency } from "./latency";
import { describeMachine, formatLoad } from "./machine";
import { appEnv, BENCH_DIST_DIR, buildApp, startApp } from "./next-app";
import { createSessionKit, loadSessionConfig } from "../../lib/session/index";
import { buildPasswords, unsealCookie } from "../../lib/session/cookie";
import { startRestProcess } from "./rest-process";
import { renderMarkdown, type Results } from "./report";
import { findingsFor } from "./findings";
import { measureFourWays, type FourWaysResult } from "./four-ways";
import { renderFourWays, renderUpstashCost } from "./report-four-ways";
import type { RestProcess } from "./rest-process";
import {
  LOAD,
  mainTargets,
  measureThroughput,
  type LoadTarget,
  type PageTarget,
  type ThroughputResult,
  type ThroughputRow,
} from "./throughput";
import { measureUpstashCost, type UpstashCost } from "./upstash-cost";

/** Revalidate window of the second app: long enough that no snapshot goes stale during the load. */
const WINDOW_SECONDS = 600;

/**
 * A second session of the load account, sealed by a kit with the app's environment: with the window on, its
 * cookie carries the validated snapshot, so the app trusts it without Redis until the window ends.
 */
async function cookieUnderWindow(env: NodeJS.ProcessEnv, cookieHeader: string): Promise<string> {
  const kit = createSessionKit({ env });
  const [name, ...rest] = cookieHeader.split("=");
  const payload = await unsealCookie(rest.join("="), await buildPasswords(loadSessionConfig({}, env)));
  if (payload === null || name !== kit.config.cookieName)
    throw new Error("bench: could not read the load cookie");
  const current = await kit.validateSessionToken(rest.join("="));
  if (!current.ok) throw new Error(`bench: the load session is not valid (${current.reason})`);
  const created = await kit.createSession({
    userId: payload.u,
    device: { userAgent: "bench" },
    ...(current.session.label === undefined ? {} : { label: current.session.label }),
  });
  if (!created.ok) throw new Error(`bench: createSession failed (${created.reason})`);
  return `${created.cookie.name}=${created.cookie.value}`;
}

const SECTIONS = ["app", "four-ways", "upstash"] as const;
type Section = (typeof SECTIONS)[number];

/** `--only a,b`: the sections to run (all by default). */
function selectedSections(): Set<Section> {
  const at = process.argv.indexOf("--only");
  if (at === -1) return new Set(SECTIONS);
  const names = (process.argv[at + 1] ?? "").split(",").filter((name) => name !== "");
  const unknown = names.filter((name) => !(SECTIONS as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new Error(`bench: --only takes a comma-separated list of ${SECTIONS.join(", ")}`);
  }
  return new Set(names as Section[]);
}

type AppResults = Pick<Results, "ops" | "throughput" | "windowed" | "bundle">;

/** The app itself: build, bundle size, commands per operation, throughput (its apps stop before returning). */
async function measureApp(rest: RestProcess, redisUrl: string): Promise<AppResults> {
  const stops: (() => Promise<void>)[] = [];
  try {
    process.stderr.write(`bench: next build into ${BENCH_DIST_DIR}\n`);
    await buildApp(rest);
    const bundle = middlewareBundleSize(BENCH_DIST_DIR);
    const app = await startApp(rest);
    stops.push(app.stop);
    const browser = await launchBrowser();
    let ops: OpRow[];
    let cookie: string;
    try {
      process.stderr.write("bench: commands per operation\n");
      const counter = await connectCounter(redisUrl);
      try {
        ops = await measureCommandsPerOp(browser, app.url, counter);
      } finally {
        await counter.close();
      }
      const account = newAccount("load");
      const device = await openDevice(browser, app.url);
      await signUp(device.page, account);
      await signIn(device.page, account);
      cookie = await sessionCookieHeader(device.context);
      await device.context.close();
    } finally {
      await browser.close();
    }
    // The same build twice, loaded in the same rotating rounds: as is, and with the revalidate window on (no Redis
    // command per request), so the two sets of pages see the same drift of the machine.
    process.stderr.write(`bench: second app with the revalidate window on (${WINDOW_SECONDS} s)\n`);
    const windowEnv = { SESSION_REVALIDATE_AFTER_SECONDS: String(WINDOW_SECONDS) };
    const windowedApp = await startApp(rest, windowEnv);
    stops.push(windowedApp.stop);
    const windowCookie = await cookieUnderWindow(appEnv(rest, windowEnv), cookie);
    process.stderr.write("bench: throughput (autocannon)\n");
    const mainCpu = await connectCpuMeter({ next: app.pid, rest: rest.pid }, redisUrl, rest.requests);
    const windowCpu = await connectCpuMeter(
      { next: windowedApp.pid, rest: rest.pid },
      redisUrl,
      rest.requests,
    );
    const on = (url: string, cpu: CpuMeter, pages: PageTarget[]): LoadTarget[] =>
      pages.map((page) => ({ ...page, url: `${url}${page.path}`, cpu }));
    const main = on(app.url, mainCpu, mainTargets(cookie));
    let rows: ThroughputRow[];
    try {
      rows = await measureThroughput([
        ...main,
        ...on(windowedApp.url, windowCpu, [
          { name: "public page / (no cookie)", path: "/", headers: {} },
          {
            name: "protected page /account (session cookie, window on)",
            path: "/account",
            headers: { cookie: windowCookie },
          },
          { name: "public page / (session cookie, window on)", path: "/", headers: { cookie: windowCookie } },
        ]),
      ]);
    } finally {
      await mainCpu.close();
      await windowCpu.close();
    }
    const throughput: ThroughputResult = { rows: rows.slice(0, main.length), ...LOAD };
    const windowed: ThroughputResult = { rows: rows.slice(main.length), ...LOAD };
    return { ops, throughput, windowed: { ...windowed, windowSeconds: WINDOW_SECONDS }, bundle };
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const compare = process.argv.includes("--compare");
  const sections = selectedSections();
  const machine = describeMachine();
  const stack = await startStack({ useRedisUrl: false, allowEmbedded: false });
  if (stack.redisUrl === undefined || stack.kind !== "redis-server") {
    throw new Error("bench: needs a stack-owned redis-server (install redis-server)");
  }
  process.stderr.write(`bench: redis ${stack.redisUrl}, REST ${stack.restUrl}\n`);
  let stopRest = async (): Promise<void> => {};
  try {
    process.stderr.write("bench: CPU costs (iron, scrypt)\n");
    const costs = await measureCryptoCost();
    process.stderr.write("bench: sign-up time, registered vs new address\n");
    const enumeration = await measureEnumeration(stack);
    process.stderr.write("bench: validateSessionToken vs GET\n");
    const latency = await measureLatency(stack.redisUrl, compare);
    // The apps reach Redis through a REST server in its own process (rest-process.ts), not the bench's.
    const rest = await startRestProcess(stack.redisUrl);
    stopRest = rest.stop;
    const app = sections.has("app") ? await measureApp(rest, stack.redisUrl) : null;
    let fourWays: FourWaysResult | null = null;
    if (sections.has("four-ways")) {
      process.stderr.write("bench: the same page, four ways\n");
      fourWays = await measureFourWays(rest, stack.redisUrl, latency[0]?.summary.p50 ?? Number.NaN);
    }
    let upstash: UpstashCost | null = null;
    if (sections.has("upstash")) {
      process.stderr.write("bench: Upstash cost\n");
      upstash = await measureUpstashCost(appEnv(rest), stack.redisUrl);
    }
    if (app === null) {
      const parts = [
        ...(fourWays === null ? [] : renderFourWays(fourWays)),
        ...(upstash === null ? [] : renderUpstashCost(upstash, fourWays)),
      ];
      process.stdout.write(`\n${parts.join("\n")}\n`);
      return;
    }
    const partial: Omit<Results, "findings"> = {
      machine,
      loadavgEnd: formatLoad(),
      note: process.env.BENCH_NOTE,
      command: compare ? "npm run bench -- --compare" : "npm run bench",
      elapsedSeconds: (performance.now() - started) / 1000,
      latency,
      latencyRounds: latency[0]?.summary.count ?? 0,
      costs,
      ...app,
      fourWays,
      upstash,
    };
    const markdown = `${renderMarkdown({ ...partial, findings: findingsFor(partial) })}\n${enumerationSection(enumeration)}`;
    process.stdout.write(`\n${markdown}\n`);
    const complete = fourWays !== null && upstash !== null;
    if (complete && !process.argv.includes("--no-write")) {
      writeFileSync(join(REPO_ROOT, "docs", "BENCHMARKS.md"), markdown);
      process.stderr.write("bench: wrote docs/BENCHMARKS.md\n");
    }
  } finally {
    await stopRest();
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
