/**
 * Sign-up time for a registered address against a new one (issue 14: medians within 10 %, so the response time does
 * not tell a stranger whether an address is registered). Runs the app's `signUp` (lib/auth/sign-up.ts) with the dev
 * outbox notifier against the stack, alternating the two kinds each round so drift hits both alike. The tests
 * prove the same work (one hash, one mail per path); this measures what that work costs.
 * Alone: `npx tsx scripts/bench/enumeration.ts` (starts its own stack); `npm run bench` adds it as a section.
 */
import { performance } from "node:perf_hooks";
import { Redis } from "@upstash/redis";
import { outboxNotifier } from "../../lib/session/notify";
import { startStack, type Stack } from "../stack";
import { ms, ratio, summarize, type Summary } from "./stats";

const ROUNDS = Number(process.env.BENCH_ENUMERATION_ROUNDS ?? 15);
const PREFIX = "bench-enum:";
const PASSWORD = "velvet otter lantern 42";

export type EnumerationResult = { registered: Summary; fresh: Summary; ratioP50: number; rounds: number };

export async function measureEnumeration(
  stack: Pick<Stack, "restUrl" | "restToken">,
): Promise<EnumerationResult> {
  // lib/auth reads its environment once, at first use: set it before importing sign-up.
  process.env.UPSTASH_REDIS_REST_URL = stack.restUrl;
  process.env.UPSTASH_REDIS_REST_TOKEN = stack.restToken;
  process.env.AUTH_KEY_PREFIX = PREFIX;
  // Keep every sample on its real path: a closed window would skip the mail for both kinds.
  process.env.AUTH_MAIL_LIMIT_PER_ADDRESS = "1000000";
  const { signUp } = await import("../../lib/auth/sign-up");
  const redis = new Redis({ url: stack.restUrl, token: stack.restToken, enableTelemetry: false });
  const deps = { notifier: outboxNotifier(redis, PREFIX), origin: "" };
  const registered = `registered-${Date.now()}@example.test`;
  const run = async (email: string): Promise<number> => {
    const started = performance.now();
    const answer = await signUp({ email, password: PASSWORD, ip: undefined }, deps);
    const elapsed = performance.now() - started;
    if (!answer.ok) throw new Error(`bench: sign-up failed (${answer.reason})`);
    return elapsed;
  };
  await run(registered);
  await run(`warm-${Date.now()}@example.test`);
  const samples = { registered: [] as number[], fresh: [] as number[] };
  for (let round = 0; round < ROUNDS; round += 1) {
    const fresh = `new-${round}-${Date.now()}@example.test`;
    if (round % 2 === 0) {
      samples.registered.push(await run(registered));
      samples.fresh.push(await run(fresh));
    } else {
      samples.fresh.push(await run(fresh));
      samples.registered.push(await run(registered));
    }
  }
  const a = summarize(samples.registered);
  const b = summarize(samples.fresh);
  return { registered: a, fresh: b, ratioP50: a.p50 / b.p50, rounds: ROUNDS };
}

export function enumerationSection(result: EnumerationResult): string {
  const verdict = Math.abs(result.ratioP50 - 1) <= 0.1 ? "meets" : "misses";
  return [
    "## Sign-up time: registered vs new address",
    "",
    "| address | p50 ms | p99 ms | mean ms | n |",
    "| --- | --- | --- | --- | --- |",
    ...(
      [
        ["registered", result.registered],
        ["new", result.fresh],
      ] as const
    ).map(([name, s]) => `| ${name} | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.mean)} | ${s.count} |`),
    "",
    `Registered / new p50 ratio: ${ratio(result.ratioP50)}, ${verdict} the target 0.90–1.10 ` +
      "(lib/auth/sign-up.ts: one scrypt hash, one user write, one mail on each path; " +
      "tests/integration/account-signup.test.ts counts them).",
    "",
  ].join("\n");
}

if (process.argv[1]?.endsWith("enumeration.ts") === true) {
  const stack = await startStack({ useRedisUrl: false, allowEmbedded: false });
  try {
    process.stdout.write(`${enumerationSection(await measureEnumeration(stack))}\n`);
  } finally {
    await stack.stop();
  }
  process.exit(0);
}
