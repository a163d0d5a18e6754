/**
 * "The same page, four ways" (variants.ts): the same dynamic page behind nothing, a pass-through middleware, the
 * kit in Edge middleware.ts and the kit in Node proxy.ts, loaded in the same rotating rounds at 10 connections
 * (autocannon) and at 1 (one request after the other, timed to the microsecond), plus the public page without a
 * cookie on every variant and on the kit matched on every path (a nonce CSP everywhere), for ADR 013.
 */
import { join } from "node:path";
import { createSessionKit } from "../../lib/session/index";
import { middlewareBundleSize, type BundleSize } from "./bundle";
import { connectCpuMeter, type CpuMeter } from "./cpu";
import { appEnv, startApp, type App } from "./next-app";
import type { RestProcess } from "./rest-process";
import { profileBuilds, type ProfileResult } from "./profile";
import { measureThroughput, type LoadTarget, type ThroughputRow } from "./throughput";
import {
  BENCH_USER,
  buildVariants,
  LABELS,
  POOL_ENV,
  VARIANTS_DIR,
  type InstanceId,
  type VariantId,
} from "./variants";

const ROUNDS = Number(process.env.BENCH_FOUR_ROUNDS ?? 3);
const ROUND_SECONDS = Number(process.env.BENCH_FOUR_ROUND_SECONDS ?? 3);
/** Sessions loaded on /account: one per connection of the 10-connection rows. */
const SESSIONS = 10;
const IDS: VariantId[] = [
  "none",
  "passthrough",
  "edge",
  "node",
  "everywhere",
  "edge-get",
  "node-passthrough",
  "node-get",
];
/** Builds that only serve as a floor: loaded on /account only (their `/` runs the same front file). */
const FLOORS: readonly InstanceId[] = ["edge-get", "node-passthrough", "node-get"];

export type FourWaysRow = ThroughputRow & {
  variant: InstanceId;
  page: "account" | "public";
  connections: number;
};

export type Target = { name: string; value: number; target: string; met: boolean };

/** A ratio or difference read against a floor build: what no session check can go below on this stack. */
export type Floor = { name: string; value: number; unit: "ratio" | "ms"; reading: string };

export type FourWaysResult = {
  rows: FourWaysRow[];
  variants: { id: InstanceId; label: string }[];
  rounds: number;
  roundSeconds: number;
  /** `<main>` of every variant's pages compared: null when identical, else what differed. */
  markupDiffers: string | null;
  bareGetP50: number;
  targets: Target[];
  floors: Floor[];
  profile: ProfileResult;
  /** The pass-through build's Edge middleware: what Next itself weighs (bundle.ts). */
  bundleFloor: BundleSize | null;
};

/** The builds profiled per request (profile.ts), in this order. */
const PROFILED: readonly InstanceId[] = ["none", "passthrough", "edge-get", "edge", "node-get", "node-pool"];

/** The page's own markup, without the per-build script tags around it. */
async function mainOf(url: string, headers: Record<string, string>): Promise<string> {
  const response = await fetch(url, { headers, redirect: "manual" });
  const html = await response.text();
  if (response.status !== 200) throw new Error(`bench: ${url} answered ${response.status}`);
  return /<main>[\s\S]*<\/main>/.exec(html)?.[0] ?? `(no <main> in ${url})`;
}

async function compareMarkup(apps: Map<InstanceId, App>, cookie: string): Promise<string | null> {
  const seen = new Map<string, string[]>();
  for (const [id, app] of apps) {
    for (const [path, headers] of [
      ["/account", { cookie }],
      ["/", {}],
    ] as const) {
      const key = `${path}: ${await mainOf(`${app.url}${path}`, headers)}`;
      seen.set(key, [...(seen.get(key) ?? []), id]);
    }
  }
  return seen.size === 2
    ? null
    : [...seen.entries()].map(([key, ids]) => `${ids.join(",")} → ${key}`).join("; ");
}

function row(
  rows: FourWaysRow[],
  variant: InstanceId,
  page: FourWaysRow["page"],
  connections: number,
): FourWaysRow {
  const found = rows.find((r) => r.variant === variant && r.page === page && r.connections === connections);
  if (found === undefined) throw new Error(`bench: no row for ${variant} ${page} at ${connections}`);
  return found;
}

function targetsOf(rows: FourWaysRow[], bareGetP50: number): Target[] {
  const rps = (variant: InstanceId, page: FourWaysRow["page"] = "account"): number =>
    row(rows, variant, page, 10).rps;
  const atLeast = (name: string, value: number, min: number): Target => ({
    name,
    value,
    target: `≥ ${min.toFixed(2)}`,
    met: value >= min,
  });
  const extraMs = row(rows, "edge", "account", 1).p50 - row(rows, "passthrough", "account", 1).p50;
  const budgetMs = bareGetP50 + 0.3;
  return [
    atLeast("(c)/(b) req/s, 10 connections", rps("edge") / rps("passthrough"), 0.9),
    atLeast("(d)/(b) req/s, 10 connections", rps("node-pool") / rps("passthrough"), 0.9),
    atLeast("(c)/(a) req/s, 10 connections", rps("edge") / rps("none"), 0.75),
    atLeast("(d)/(a) req/s, 10 connections", rps("node-pool") / rps("none"), 0.75),
    {
      name: "p50(c) − p50(b), 1 connection (ms)",
      value: extraMs,
      target: `≤ ${budgetMs.toFixed(3)} (bare GET p50 ${bareGetP50.toFixed(3)} + 0.3)`,
      met: extraMs <= budgetMs,
    },
    atLeast("public page, no cookie: (c)/(a) req/s", rps("edge", "public") / rps("none", "public"), 0.95),
    atLeast(
      "public page, no cookie: (d)/(a) req/s",
      rps("node-pool", "public") / rps("none", "public"),
      0.95,
    ),
    {
      name: "Node transport: undici Pool (d) / Next's fetch (d₀) req/s, 10 connections (kept only above 1)",
      value: rps("node-pool") / rps("node"),
      target: "> 1.00",
      met: rps("node-pool") / rps("node") > 1,
    },
    atLeast(
      "public page, no cookie, nonce CSP everywhere: (e)/(a) req/s",
      rps("everywhere", "public") / rps("none", "public"),
      0.95,
    ),
  ];
}

function floorsOf(rows: FourWaysRow[]): Floor[] {
  const at10 = (variant: InstanceId): FourWaysRow => row(rows, variant, "account", 10);
  const rps = (variant: InstanceId): number => at10(variant).rps;
  const cpu = (variant: InstanceId): number => at10(variant).cpuPerRequest.next;
  const p50 = (variant: InstanceId): number => row(rows, variant, "account", 1).p50;
  return [
    {
      name: "(f)/(b) req/s, 10 connections",
      value: rps("edge-get") / rps("passthrough"),
      unit: "ratio",
      reading: "the most (c)/(b) can reach with one REST request per page: a bare fetch in Edge middleware",
    },
    {
      name: "(f′)/(b) req/s, 10 connections",
      value: rps("node-get") / rps("passthrough"),
      unit: "ratio",
      reading: "the same for (d)/(b): a bare GET over the undici Pool in a Node proxy",
    },
    {
      name: "(b)/(a) and (b′)/(a) req/s, 10 connections",
      value: rps("passthrough") / rps("none"),
      unit: "ratio",
      reading: `invoking a middleware that does nothing; Node proxy ${(rps("node-passthrough") / rps("none")).toFixed(2)}`,
    },
    {
      name: "Next CPU ms/req: (c) − (f) and (d) − (f′)",
      value: cpu("edge") - cpu("edge-get"),
      unit: "ms",
      reading: `what the kit adds beyond the bare round trip (cookie, record, hand-off, CSP, the page's check), less what coalescing saves (it sends fewer REST requests per page than the floor: below 0, it costs less); Node ${(cpu("node-pool") - cpu("node-get")).toFixed(2)} ms`,
    },
    {
      name: "Next CPU ms/req: (f) − (b) and (f′) − (b′)",
      value: cpu("edge-get") - cpu("passthrough"),
      unit: "ms",
      reading: `one REST round trip made by the Next process; Node ${(cpu("node-get") - cpu("node-passthrough")).toFixed(2)} ms`,
    },
    {
      name: "p50(f) − p50(b), 1 connection (ms)",
      value: p50("edge-get") - p50("passthrough"),
      unit: "ms",
      reading: "the latency of a bare fetch from Edge middleware, against the target's budget",
    },
  ];
}

export async function measureFourWays(
  rest: RestProcess,
  redisUrl: string,
  bareGetP50: number,
): Promise<FourWaysResult> {
  const variants = await buildVariants(IDS, appEnv(rest));
  const node = variants.find((variant) => variant.id === "node");
  const instances = [
    ...variants.map((variant) => ({ ...variant, env: {} as Record<string, string> })),
    ...(node === undefined
      ? []
      : [{ id: "node-pool" as const, label: LABELS["node-pool"], dir: node.dir, env: POOL_ENV }]),
  ];
  const apps = new Map<InstanceId, App>();
  const meters: CpuMeter[] = [];
  try {
    for (const instance of instances) apps.set(instance.id, await startApp(rest, instance.env, instance.dir));
    // One session of the bench user per connection (as many devices): no two connections share a Redis key, so
    // coalescing can batch their GETs but never merge them into one command.
    const kit = createSessionKit({ env: appEnv(rest), config: { maxSessionsPerUser: SESSIONS } });
    const cookies: string[] = [];
    for (let i = 0; i < SESSIONS; i += 1) {
      const created = await kit.createSession({ userId: BENCH_USER, device: { userAgent: `bench ${i}` } });
      if (!created.ok) throw new Error(`bench: createSession failed (${created.reason})`);
      cookies.push(`${created.cookie.name}=${created.cookie.value}`);
    }
    const cookie = cookies[0] ?? "";
    const markupDiffers = await compareMarkup(apps, cookie);
    const targets: (LoadTarget & { variant: InstanceId; page: FourWaysRow["page"] })[] = [];
    for (const variant of instances) {
      const app = apps.get(variant.id);
      if (app === undefined) continue;
      const cpu = await connectCpuMeter({ next: app.pid, rest: rest.pid }, redisUrl, rest.requests);
      meters.push(cpu);
      const add = (page: FourWaysRow["page"], connections: number): void => {
        const path = page === "account" ? "/account" : "/";
        const headers: Record<string, string> = page === "account" ? { cookie } : {};
        const name = `${variant.label}: ${page === "account" ? "/account, session cookie" : "/, no cookie"}`;
        targets.push({
          name,
          path,
          headers,
          ...(page === "account" ? { cookies } : {}),
          url: `${app.url}${path}`,
          cpu,
          connections,
          variant: variant.id,
          page,
        });
      };
      if (variant.id !== "everywhere") {
        add("account", 10);
        add("account", 1);
      }
      if (!FLOORS.includes(variant.id)) add("public", 10);
    }
    const measured = await measureThroughput(targets, { rounds: ROUNDS, roundSeconds: ROUND_SECONDS });
    process.stderr.write("bench: CPU profiles per request\n");
    const profile = await profileBuilds(
      rest,
      redisUrl,
      PROFILED.flatMap((id) => instances.filter((instance) => instance.id === id)),
      cookies,
    );
    const rows: FourWaysRow[] = measured.map((measuredRow, index) => ({
      ...measuredRow,
      variant: targets[index]?.variant ?? "none",
      page: targets[index]?.page ?? "account",
      connections: targets[index]?.connections ?? 10,
    }));
    return {
      rows,
      variants: instances.map(({ id, label }) => ({ id, label })),
      rounds: ROUNDS,
      roundSeconds: ROUND_SECONDS,
      markupDiffers,
      bareGetP50,
      targets: targetsOf(rows, bareGetP50),
      floors: floorsOf(rows),
      profile,
      bundleFloor: middlewareBundleSize(join(VARIANTS_DIR, "passthrough", ".next"), { shares: false }),
    };
  } finally {
    for (const meter of meters) await meter.close();
    for (const app of apps.values()) await app.stop();
  }
}
