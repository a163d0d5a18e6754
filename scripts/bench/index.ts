/**
 * `npm run bench [-- --compare]`: measures the kit on an isolated stack and writes docs/BENCHMARKS.md.
 * Not part of `npm test`. Order: CPU costs, client latency (stack only), then `next build` + `next start` for the
 * bundle size, commands per operation (INFO commandstats) and throughput. Loopback only.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { REPO_ROOT } from "../lib-next";
import { startStack } from "../stack";
import { newAccount, launchBrowser, openDevice, sessionCookieHeader, signIn, signUp } from "./browser";
import { middlewareBundleSize } from "./bundle";
import { connectCounter } from "./commandstats";
import { measureCommandsPerOp, type OpRow } from "./commands-per-op";
import { measureCryptoCost } from "./crypto-cost";
import { measureLatency, type LatencyRow } from "./latency";
import { describeMachine, formatLoad } from "./machine";
import { BENCH_DIST_DIR, buildApp, startApp } from "./next-app";
import { renderMarkdown, throughputRatio, type Results } from "./report";
import { ratio } from "./stats";
import { measureThroughput } from "./throughput";

const PROTECTED_ROWS = ["protected page", "prefetch", "devices page"];

function findingsFor(results: Omit<Results, "findings">): string[] {
  const findings: string[] = [];
  for (const row of results.ops) {
    if (!PROTECTED_ROWS.some((prefix) => row.operation.startsWith(prefix))) continue;
    const verdict = row.commands <= 1 ? "meets" : "misses";
    findings.push(`${row.operation}: ${row.commands} commands (${row.detail}), ${verdict} the target of 1.`);
  }
  const validate: LatencyRow | undefined = results.latency[1];
  if (validate !== undefined) {
    const verdict = validate.ratioP50 <= 1.1 ? "meets" : "misses";
    findings.push(
      `validateSessionToken / bare GET: p50 ratio ${ratio(validate.ratioP50)}, mean ratio ${ratio(validate.ratioMean)}, ${verdict} the target ≤ 1.10.`,
    );
  }
  const throughput = throughputRatio(results);
  findings.push(
    `Protected / public throughput: ${ratio(throughput)}, ${throughput >= 0.85 ? "meets" : "misses"} the target ≥ 0.85.`,
  );
  return findings;
}

async function main(): Promise<void> {
  const started = performance.now();
  const compare = process.argv.includes("--compare");
  const machine = describeMachine();
  const stack = await startStack({ useRedisUrl: false, allowEmbedded: false });
  if (stack.redisUrl === undefined || stack.kind !== "redis-server") {
    throw new Error("bench: needs a stack-owned redis-server (install redis-server)");
  }
  process.stderr.write(`bench: redis ${stack.redisUrl}, REST ${stack.restUrl}\n`);
  const counter = await connectCounter(stack.redisUrl);
  let stopApp = async (): Promise<void> => {};
  try {
    process.stderr.write("bench: CPU costs (iron, scrypt)\n");
    const costs = await measureCryptoCost();
    process.stderr.write("bench: validateSessionToken vs GET\n");
    const latency = await measureLatency(stack, compare);
    process.stderr.write(`bench: next build into ${BENCH_DIST_DIR}\n`);
    await buildApp(stack);
    const bundle = middlewareBundleSize(BENCH_DIST_DIR);
    const app = await startApp(stack);
    stopApp = app.stop;
    const browser = await launchBrowser();
    let ops: OpRow[];
    let cookie: string;
    try {
      process.stderr.write("bench: commands per operation\n");
      ops = await measureCommandsPerOp(browser, app.url, counter);
      const account = newAccount("load");
      const device = await openDevice(browser, app.url);
      await signUp(device.page, account);
      await signIn(device.page, account);
      cookie = await sessionCookieHeader(device.context);
      await device.context.close();
    } finally {
      await browser.close();
    }
    process.stderr.write("bench: throughput (autocannon)\n");
    const throughput = await measureThroughput(app.url, cookie);
    const partial: Omit<Results, "findings"> = {
      machine,
      loadavgEnd: formatLoad(),
      command: compare ? "npm run bench -- --compare" : "npm run bench",
      elapsedSeconds: (performance.now() - started) / 1000,
      ops,
      latency,
      latencyRounds: latency[0]?.summary.count ?? 0,
      throughput,
      costs,
      bundle,
    };
    const markdown = renderMarkdown({ ...partial, findings: findingsFor(partial) });
    process.stdout.write(`\n${markdown}\n`);
    if (!process.argv.includes("--no-write")) {
      writeFileSync(join(REPO_ROOT, "docs", "BENCHMARKS.md"), markdown);
      process.stderr.write("bench: wrote docs/BENCHMARKS.md\n");
    }
  } finally {
    await stopApp();
    await counter.close();
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
