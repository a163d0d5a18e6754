/**
 * `npm run soak`: mixed session operations at the highest rate this machine sustains, for a while, against a
 * stack of its own (redis-server + the local REST server, in this process). Not part of `npm test`; the
 * 20-second variant is tests/integration/soak-short.test.ts.
 *
 *   npm run soak -- [--duration 600] [--concurrency 32] [--users 200] [--cluster]
 *
 * Mix per operation: validate 70 %, touch 10 %, list 8 %, create 7 %, revoke one 5 %. Every user keeps at most
 * 8 sessions (the oldest is revoked first), so each cookie the soak holds must validate: any other answer
 * (unavailable, a sign-out reason, an exception) counts as an error. Prints the rate, errors and RSS every
 * 10 s and a summary; exits 1 on any error or when the heap after a full GC grew more than
 * --max-heap-growth-mb (default 16) between the first and the last fifth of the run (RSS is reported too, but
 * it also measures V8 and the allocator growing their pools).
 */
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createSessionKit, type SessionKit } from "../lib/session/index";
import { startStack } from "./stack";

export type SoakOperation = "validate" | "touch" | "list" | "create" | "revoke";

export interface SoakOptions {
  readonly kit: SessionKit;
  readonly durationMs: number;
  /** Operations in flight at once. @default 32 */
  readonly concurrency?: number;
  /** @default 200 */
  readonly users?: number;
  /** RSS sample period. @default 1000 */
  readonly sampleEveryMs?: number;
  /** Called after each RSS sample. */
  readonly onSample?: (progress: SoakProgress) => void;
}

export interface SoakProgress {
  readonly elapsedMs: number;
  readonly ops: number;
  readonly errors: number;
  readonly rssBytes: number;
  /** V8 heap in use right after a full GC: what the process really retains. */
  readonly heapAfterGcBytes: number;
}

export interface SoakReport {
  readonly durationMs: number;
  readonly ops: number;
  readonly opsPerSecond: number;
  readonly errors: number;
  /** The first few errors, as "<operation>: <what>". */
  readonly errorSamples: readonly string[];
  readonly byOperation: Readonly<Record<SoakOperation, number>>;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** RSS samples in bytes, one per `sampleEveryMs`. */
  readonly rssSamples: readonly number[];
  /** Median RSS of the last fifth minus that of the first fifth, in bytes (includes allocator slack). */
  readonly rssGrowthBytes: number;
  /** The same for the heap after a full GC: a leak shows here, V8 growing its heap does not. */
  readonly heapGrowthBytes: number;
}

const MIX: ReadonlyArray<readonly [SoakOperation, number]> = [
  ["validate", 70],
  ["touch", 10],
  ["list", 8],
  ["create", 7],
  ["revoke", 5],
];
const SESSIONS_PER_USER = 8;

let gcFunction: (() => void) | undefined;

/** A full GC even without `node --expose-gc` (the flag can be set at run time; `gc` then exists in new contexts). */
function fullGc(): void {
  if (gcFunction === undefined) {
    setFlagsFromString("--expose-gc");
    gcFunction = runInNewContext("gc") as () => void;
  }
  gcFunction();
}

type Held = { cookie: string; id: string };

function pick(): SoakOperation {
  let roll = Math.random() * 100;
  for (const [operation, weight] of MIX) {
    roll -= weight;
    if (roll < 0) return operation;
  }
  return "validate";
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

/** The kit every soak drives: a fresh secret and key prefix, room for many sessions, a touch due every second. */
export function soakKit(stack: { restUrl: string; restToken: string }): SessionKit {
  return createSessionKit({
    env: {
      UPSTASH_REDIS_REST_URL: stack.restUrl,
      UPSTASH_REDIS_REST_TOKEN: stack.restToken,
      SESSION_SECRET: randomBytes(32).toString("base64"),
    },
    config: {
      keyPrefix: `soak:${randomBytes(4).toString("hex")}:`,
      maxSessionsPerUser: 100,
      touchIntervalSeconds: 1,
      redis: { timeoutMs: 5_000, retries: 1 },
    },
  });
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const { kit } = options;
  const users = Array.from({ length: options.users ?? 200 }, (_, i) => `soak-${i}`);
  const held = new Map<string, Held[]>(users.map((user) => [user, []]));
  const byOperation: Record<SoakOperation, number> = { validate: 0, touch: 0, list: 0, create: 0, revoke: 0 };
  const errorSamples: string[] = [];
  const latencies: number[] = [];
  const rssSamples: number[] = [];
  const heapSamples: number[] = [];
  /** Latency reservoir: bounded memory however long the soak runs. */
  const RESERVOIR = 50_000;
  let ops = 0;
  let errors = 0;

  const fail = (operation: SoakOperation, what: string): void => {
    errors += 1;
    if (errorSamples.length < 20) errorSamples.push(`${operation}: ${what}`);
  };
  /** A session revoked by a concurrent operation while this one ran is not an error. */
  const stillHeld = (user: string, session: Held): boolean => (held.get(user) ?? []).includes(session);
  const randomUser = (): string => users[Math.floor(Math.random() * users.length)] as string;
  const randomHeld = (): { user: string; session: Held } | null => {
    const user = randomUser();
    const sessions = held.get(user) ?? [];
    const session = sessions[Math.floor(Math.random() * sessions.length)];
    return session === undefined ? null : { user, session };
  };

  const create = async (user: string): Promise<void> => {
    const result = await kit.createSession({
      userId: user,
      device: { userAgent: `soak ${randomBytes(3).toString("hex")}` },
    });
    if (!result.ok) return fail("create", result.reason);
    const sessions = held.get(user) ?? [];
    sessions.push({ cookie: result.cookie.value, id: result.session.id });
    held.set(user, sessions);
    if (sessions.length > SESSIONS_PER_USER) await revokeOldest(user);
  };
  const revokeOldest = async (user: string): Promise<void> => {
    const sessions = held.get(user) ?? [];
    const oldest = sessions.shift();
    if (oldest === undefined) return;
    const result = await kit.revokeSession(user, oldest.id);
    if (!result.ok) fail("revoke", result.reason);
    else if (!result.revoked) fail("revoke", "a held session was not found");
  };

  const run = async (operation: SoakOperation): Promise<void> => {
    const target = operation === "create" ? null : randomHeld();
    if (operation === "create" || target === null) return create(randomUser());
    if (operation === "validate") {
      const result = await kit.validateSessionToken(target.session.cookie);
      if (!result.ok && (result.reason === "unavailable" || stillHeld(target.user, target.session)))
        return fail(operation, result.reason);
      if (!result.ok) return;
      if (result.session.userId !== target.user) return fail(operation, "validated as another user");
      return;
    }
    if (operation === "touch") {
      const result = await kit.touchSession(target.session.cookie);
      if (!result.ok) fail(operation, result.reason);
      return;
    }
    if (operation === "list") {
      const result = await kit.listUserSessions(target.user);
      if (!result.ok) return fail(operation, result.reason);
      if (result.sessions.some((s) => s.userId !== target.user))
        fail(operation, "another user's session listed");
      return;
    }
    // Revoke one: the held session the operation picked, then forget it.
    const sessions = held.get(target.user) ?? [];
    held.set(
      target.user,
      sessions.filter((s) => s !== target.session),
    );
    const result = await kit.revokeSession(target.user, target.session.id);
    if (!result.ok) fail(operation, result.reason);
    else if (!result.revoked) fail(operation, "a held session was not found");
  };

  const started = performance.now();
  const until = started + options.durationMs;
  const sampler = setInterval(() => {
    fullGc();
    const { rss: rssBytes, heapUsed: heapAfterGcBytes } = process.memoryUsage();
    rssSamples.push(rssBytes);
    heapSamples.push(heapAfterGcBytes);
    options.onSample?.({ elapsedMs: performance.now() - started, ops, errors, rssBytes, heapAfterGcBytes });
  }, options.sampleEveryMs ?? 1_000);
  try {
    await Promise.all(
      Array.from({ length: options.concurrency ?? 32 }, async () => {
        while (performance.now() < until) {
          const operation = pick();
          const t0 = performance.now();
          try {
            await run(operation);
          } catch (error) {
            fail(operation, `threw ${error instanceof Error ? error.message : String(error)}`);
          }
          const ms = performance.now() - t0;
          if (latencies.length < RESERVOIR) latencies.push(ms);
          else latencies[Math.floor(Math.random() * RESERVOIR)] = ms;
          byOperation[operation] += 1;
          ops += 1;
        }
      }),
    );
  } finally {
    clearInterval(sampler);
  }
  const durationMs = performance.now() - started;
  const fifth = Math.max(1, Math.floor(rssSamples.length / 5));
  const sorted = latencies.sort((a, b) => a - b);
  return {
    durationMs,
    ops,
    opsPerSecond: ops / (durationMs / 1000),
    errors,
    errorSamples,
    byOperation,
    latencyMs: { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.at(-1) ?? 0 },
    rssSamples,
    rssGrowthBytes: median(rssSamples.slice(-fifth)) - median(rssSamples.slice(0, fifth)),
    heapGrowthBytes: median(heapSamples.slice(-fifth)) - median(heapSamples.slice(0, fifth)),
  };
}

const MB = 1024 * 1024;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      duration: { type: "string", default: "600" },
      concurrency: { type: "string", default: "32" },
      users: { type: "string", default: "200" },
      cluster: { type: "boolean", default: false },
      "max-heap-growth-mb": { type: "string", default: "16" },
    },
  });
  const durationMs = Number(values.duration) * 1000;
  const concurrency = Number(values.concurrency);
  const users = Number(values.users);
  const maxGrowth = Number(values["max-heap-growth-mb"]) * MB;
  if (![durationMs, concurrency, users, maxGrowth].every((n) => Number.isFinite(n) && n > 0)) {
    throw new Error(
      "soak: --duration, --concurrency, --users and --max-heap-growth-mb must be positive numbers",
    );
  }
  const stack = await startStack({ useRedisUrl: false, allowEmbedded: false, cluster: values.cluster });
  try {
    const kit = soakKit(stack);
    process.stdout.write(
      `soak: ${values.duration} s, ${concurrency} in flight, ${users} users, ${stack.kind} (${stack.redisUrl ?? ""})\n`,
    );
    let lastOps = 0;
    let lastAt = 0;
    const report = await runSoak({
      kit,
      durationMs,
      concurrency,
      users,
      onSample: (p) => {
        if (p.elapsedMs - lastAt < 10_000) return;
        const rate = (p.ops - lastOps) / ((p.elapsedMs - lastAt) / 1000);
        lastOps = p.ops;
        lastAt = p.elapsedMs;
        process.stdout.write(
          `  ${(p.elapsedMs / 1000).toFixed(0).padStart(4)} s  ${rate.toFixed(0).padStart(6)} ops/s  errors ${p.errors}  rss ${(p.rssBytes / MB).toFixed(1)} MB  heap ${(p.heapAfterGcBytes / MB).toFixed(1)} MB\n`,
        );
      },
    });
    const ok = report.errors === 0 && report.heapGrowthBytes <= maxGrowth;
    process.stdout.write(
      [
        "",
        `operations  ${report.ops} in ${(report.durationMs / 1000).toFixed(1)} s = ${report.opsPerSecond.toFixed(0)} ops/s`,
        `by kind     ${Object.entries(report.byOperation)
          .map(([k, n]) => `${k} ${n}`)
          .join(", ")}`,
        `latency     p50 ${report.latencyMs.p50.toFixed(1)} ms, p99 ${report.latencyMs.p99.toFixed(1)} ms, max ${report.latencyMs.max.toFixed(1)} ms`,
        `errors      ${report.errors}${report.errorSamples.length > 0 ? ` (${report.errorSamples.slice(0, 5).join("; ")})` : ""}`,
        `rss         ${(Math.min(...report.rssSamples) / MB).toFixed(1)}-${(Math.max(...report.rssSamples) / MB).toFixed(1)} MB, growth first→last fifth ${(report.rssGrowthBytes / MB).toFixed(1)} MB`,
        `heap        after GC, growth first→last fifth ${(report.heapGrowthBytes / MB).toFixed(1)} MB (limit ${values["max-heap-growth-mb"]} MB)`,
        `result      ${ok ? "PASS" : "FAIL"}`,
        "",
      ].join("\n"),
    );
    return ok ? 0 : 1;
  } finally {
    await stack.stop();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
