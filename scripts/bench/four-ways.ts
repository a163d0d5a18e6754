/**
 * "The same page, four ways" (variants.ts): the same dynamic page behind nothing, a pass-through middleware, the
 * kit in Edge middleware.ts and the kit in Node proxy.ts, loaded in the same rotating rounds at 10 connections
 * (autocannon) and at 1 (one request after the other, timed to the microsecond), plus the public page without a
 * cookie on every variant and on the kit matched on every path (a nonce CSP everywhere), for ADR 013.
 */
import { createSessionKit } from "../../lib/session/index";
import { connectCpuMeter, type CpuMeter } from "./cpu";
import { appEnv, startApp, type App } from "./next-app";
import type { RestProcess } from "./rest-process";
import { measureThroughput, type LoadTarget, type ThroughputRow } from "./throughput";
import { BENCH_USER, buildVariants, LABELS, POOL_ENV, type InstanceId, type VariantId } from "./variants";

const ROUNDS = Number(process.env.BENCH_FOUR_ROUNDS ?? 3);
const ROUND_SECONDS = Number(process.env.BENCH_FOUR_ROUND_SECONDS ?? 3);
const IDS: VariantId[] = ["none", "passthrough", "edge", "node", "everywhere"];

export type FourWaysRow = ThroughputRow & {
  variant: InstanceId;
  page: "account" | "public";
  connections: number;
};

export type Target = { name: string; value: number; target: string; met: boolean };

export type FourWaysResult = {
  rows: FourWaysRow[];
  variants: { id: InstanceId; label: string }[];
  rounds: number;
  roundSeconds: number;
  /** `<main>` of every variant's pages compared: null when identical, else what differed. */
  markupDiffers: string | null;
  bareGetP50: number;
  targets: Target[];
};

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
    const kit = createSessionKit({ env: appEnv(rest) });
    const created = await kit.createSession({ userId: BENCH_USER, device: { userAgent: "bench" } });
    if (!created.ok) throw new Error(`bench: createSession failed (${created.reason})`);
    const cookie = `${created.cookie.name}=${created.cookie.value}`;
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
      add("public", 10);
    }
    const measured = await measureThroughput(targets, { rounds: ROUNDS, roundSeconds: ROUND_SECONDS });
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
    };
  } finally {
    for (const meter of meters) await meter.close();
    for (const app of apps.values()) await app.stop();
  }
}
