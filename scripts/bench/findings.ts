/** The "Summary and findings" bullets of the app sections, computed from the measurements. */
import type { LatencyRow } from "./latency";
import { throughputRatio, type Results } from "./report";
import { ms, ratio } from "./stats";
import type { ThroughputRow } from "./throughput";

const PROTECTED_ROWS = ["protected page", "prefetch", "devices page", "session watch"];

const USER_LOOKUP_CAUSE =
  "HGETALL is the starter app's user-record lookup `getUserById` (lib/auth/users.ts), not the kit: the root " +
  "layout's header asks for the signed-in email on every page (app/site-header.tsx → `getCurrentUser`, " +
  "lib/auth/dal.ts), and /account asks again for the same record (app/(account)/account/page.tsx; " +
  "`getUserById` is not wrapped in React `cache`). The kit's own share is the one GET in middleware: rendering " +
  "verifies the signed hand-off without Redis, as the prefetch row (no page body rendered) shows.";

const RATE_LIMIT_CAUSE =
  "Sign-in's steady-state EVAL (BENCH_TRACE=1 shows it on the rate-limit key): @upstash/ratelimit sends EVALSHA " +
  "of its script, which plain Redis 7 never loaded (it refuses the `#!lua flags=allow-key-locking` shebang), " +
  "then lib/auth/rate-limit.ts re-sends the stripped script in full with EVAL: two round trips per check " +
  "instead of one. On Upstash the shebang is accepted, so this is a cost of the local stack only.";

const SESSION_ROUTE_CAUSE =
  "GET /api/session validates twice: middleware (one GET) and then the route itself, which calls " +
  "`kit.validateSessionToken` (app/api/session/route.ts, `current()`) instead of `getCurrentSession()`, the " +
  "function that accepts middleware's signed hand-off.";

export function findingsFor(results: Omit<Results, "findings">): string[] {
  const findings: string[] = [];
  let userLookups = false;
  for (const row of results.ops) {
    if (!PROTECTED_ROWS.some((prefix) => row.operation.startsWith(prefix))) continue;
    const verdict = row.commands <= 1 ? "meets" : "misses";
    findings.push(
      `${row.operation}: ${row.commands} round trips (${row.detail}), ${verdict} the target of 1.`,
    );
    if (row.detail.includes("HGETALL")) userLookups = true;
  }
  if (userLookups) findings.push(USER_LOOKUP_CAUSE);
  const signIn = results.ops.find((row) => row.operation.startsWith("sign-in"));
  if (signIn !== undefined && /(^| )EVAL×/.test(signIn.detail)) findings.push(RATE_LIMIT_CAUSE);
  const watch = results.ops.find((row) => row.operation.startsWith("session watch"));
  if (watch !== undefined && watch.detail.includes("GET×2")) findings.push(SESSION_ROUTE_CAUSE);
  const base: LatencyRow | undefined = results.latency[0];
  const validate: LatencyRow | undefined = results.latency[1];
  if (base !== undefined && validate !== undefined) {
    const verdict = validate.ratioP50 <= 1.1 ? "meets" : "misses";
    const overheadMs = validate.summary.p50 - base.summary.p50;
    findings.push(
      `validateSessionToken / bare GET: p50 ratio ${ratio(validate.ratioP50)}, mean ratio ${ratio(validate.ratioMean)}, ` +
        `paired ratio ${ratio(validate.ratioPaired)} (median per-round difference ${ms(validate.pairedDelta)} ms), ` +
        `${verdict} the target ≤ 1.10. Both send one GET; the difference, ${ms(overheadMs)} ms at p50 on top of a ` +
        `${ms(base.summary.p50)} ms loopback GET, is the kit's own work (for a cookie seen in the last minute: a cache ` +
        "lookup instead of the iron unseal and SHA-256, the key, a second cache lookup instead of the record's zod " +
        "decode when the stored value is unchanged, the expiry checks; open.ts `openCookie` and `decodeRecord`) and " +
        "run-to-run noise on a shared machine (rerun to see its spread). The same overhead is ≤ 10 % of any round " +
        `trip of ${ms(overheadMs * 10)} ms or more (a hosted Upstash database is typically further away than that).`,
    );
  }
  const throughput = throughputRatio(results);
  const rows = results.throughput.rows;
  const relative = (index: number): string =>
    ratio((rows[index]?.rps ?? Number.NaN) / (rows[0]?.rps ?? Number.NaN));
  const cpu = (index: number): string => {
    const row = rows[index];
    if (row === undefined) return "n/a";
    const { next, bench, rest, redis } = row.cpuPerRequest;
    return `${next.toFixed(1)} + ${bench.toFixed(1)} + ${rest.toFixed(1)} + ${redis.toFixed(2)} ms`;
  };
  // Round trips per page as counted above, so the explanation follows the measurement.
  const sent = (prefix: string): string =>
    results.ops.find((row) => row.operation.startsWith(prefix))?.detail ?? "not measured";
  const windowRows = results.windowed.rows;
  const windowRelative = (index: number): string =>
    ratio((windowRows[index]?.rps ?? Number.NaN) / (windowRows[0]?.rps ?? Number.NaN));
  const nextCpu = (row: ThroughputRow | undefined): number => row?.cpuPerRequest.next ?? Number.NaN;
  // The GET's share: the same signed-in page with and without it, each against its own run's signed-out page.
  const withGet = nextCpu(rows[2]) - nextCpu(rows[0]);
  const withoutGet = nextCpu(windowRows[2]) - nextCpu(windowRows[0]);
  findings.push(
    `Protected / public throughput: ${ratio(throughput)}, ${throughput >= 0.85 ? "meets" : "misses"} the target ≥ 0.85. ` +
      `Relative to / signed out: / signed in ${relative(2)} (Redis: ${sent("public page with a session")}; plus the ` +
      `signed-in header), /login ${relative(3)} (a public form page: rendering weight without a session), /account ` +
      `${relative(1)} (Redis: ${sent("protected page, full load")}; plus its form). CPU per request (next start + ` +
      `autocannon + REST server + redis-server): / signed out ${cpu(0)}, / signed in ${cpu(2)}, /account ` +
      `${cpu(1)}.`,
    `Where the signed-in cost goes: the same build with the revalidate window on (no Redis command per request, ` +
      `everything else unchanged), loaded in the same rounds, reaches / signed in ${windowRelative(2)} and /account ` +
      `${windowRelative(1)} of its own / signed out (whose rate, ${windowRows[0]?.rps.toFixed(1) ?? "n/a"} req/s ` +
      `against ${rows[0]?.rps.toFixed(1) ?? "n/a"}, shows how alike the two apps ran). Next-process CPU per request ` +
      `of / signed in above / signed out: ${ms(withGet)} ms with the per-request GET, ${ms(withoutGet)} ms without ` +
      `it, so the GET (one REST call through the Edge sandbox's fetch, and the record's decode) accounts for ` +
      `${ms(withGet - withoutGet)} ms (${((100 * (withGet - withoutGet)) / withGet).toFixed(0)} %) and the cookie ` +
      "check, the hand-off HMAC and the signed-in header for the rest. The REST server's share is what a hosted " +
      "Upstash would take off this machine.",
  );
  return findings;
}
