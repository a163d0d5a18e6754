import parsePrometheusTextFormat, { type PromFamily } from "parse-prometheus-text-format";
import { afterEach, describe, expect, it, vi } from "vitest";
import { formatPrometheus } from "@/lib/session/metrics";
import { metricsKeys } from "@/lib/session/keys";
import { restCredentials, testRedis } from "@/tests/support/redis";
import { signIn, testKit } from "./session-fixtures";

afterEach(() => {
  vi.restoreAllMocks();
});

function family(families: PromFamily[], name: string): PromFamily {
  const found = families.find((f) => f.name === name);
  if (found === undefined) throw new Error(`no metric family ${name} in the output`);
  return found;
}

function value(families: PromFamily[], name: string, labels: Record<string, string> = {}): number {
  const sample = family(families, name).metrics.find((m) =>
    Object.entries(labels).every(([k, v]) => m.labels?.[k] === v),
  );
  if (sample?.value === undefined) throw new Error(`no sample ${name} ${JSON.stringify(labels)}`);
  return Number(sample.value);
}

describe("session metrics against scripted activity", () => {
  it("count sign-ins, endings by reason, durations, failed sign-ins and per-user concurrency", async () => {
    const {
      kit: m,
      clock,
      prefix,
    } = testKit(
      { maxSessionsPerUser: 3, idleTimeoutSeconds: 1800, touchIntervalSeconds: 60 },
      { metrics: true },
    );
    const a = "metrics-a";
    const b = "metrics-b";
    const c = "metrics-c";

    // t0: A signs in 4 times (the 4th evicts the oldest), B once, C twice.
    const a1 = await signIn(m, a);
    await signIn(m, a);
    await signIn(m, a);
    const a4 = await signIn(m, a);
    const b1 = await signIn(m, b);
    const c1 = await signIn(m, c);
    await signIn(m, c);
    await m.recordFailedSignIn();
    await m.recordFailedSignIn();

    let read = await m.readMetrics();
    if (!read.ok) throw new Error("metrics unavailable");
    expect(read.metrics.activeSessions, "7 sign-ins minus 1 eviction").toBe(6);
    expect(read.metrics.createdTotal).toBe(7);
    expect(read.metrics.endedTotal.evicted).toBe(1);
    expect(read.metrics.usersBySessions, "B has 1, C has 2, A has 3").toEqual({ 1: 1, 2: 1, 3: 1 });
    expect(read.metrics.maxSessionsPerUser).toBe(3);
    expect(a1.id).not.toBe(a4.id);

    // t0 + 10 min: A signs out one device, B's session is revoked, C's first session is touched.
    clock.advanceSeconds(600);
    expect((await m.revokeCurrentSession(a4.cookie)).ok).toBe(true);
    expect(await m.revokeSession(b, b1.id)).toEqual({ ok: true, revoked: true });
    expect(await m.touchSession(c1.cookie)).toEqual({ ok: true, touched: true });

    // t0 + 35 min: every untouched session passed its idle timeout at t0 + 30 min; C's touched one lives on.
    clock.advanceSeconds(1500);
    read = await m.readMetrics();
    if (!read.ok) throw new Error("metrics unavailable");
    const s = read.metrics;
    expect(s.activeSessions).toBe(1);
    expect(s.endedTotal).toEqual({
      logout: 1,
      revoked: 1,
      evicted: 1,
      password_changed: 0,
      password_reset: 0,
      admin_revoked: 0,
      account_locked: 0,
      signed_out_everyone: 0,
      expired: 3,
    });
    // Durations: logout 600 s, revoke 600 s, eviction 0 s, three expiries at exactly 1800 s.
    expect(s.endedDurationMsTotal).toBe((600 + 600 + 0 + 3 * 1800) * 1000);
    expect(s.usersBySessions).toEqual({ 1: 1 });
    expect(s.maxSessionsPerUser).toBe(1);
    expect(s.failedSignInsTotal).toBe(2);
    expect(s.lastHour.reduce((sum, bucket) => sum + bucket.created, 0)).toBe(7);
    expect(s.lastHour.reduce((sum, bucket) => sum + bucket.failedSignIns, 0)).toBe(2);
    expect(s.lastDay.reduce((sum, bucket) => sum + bucket.ended, 0)).toBe(6);
    expect(s.lastHour).toHaveLength(60);
    expect(s.lastDay).toHaveLength(24);

    // Reading again counts nothing twice.
    const again = await m.readMetrics();
    expect(again.ok && again.metrics.endedTotal.expired).toBe(3);

    // Prometheus text, parsed by a real parser.
    const families = parsePrometheusTextFormat(formatPrometheus(s));
    expect(value(families, "session_active_sessions")).toBe(1);
    expect(value(families, "session_created_total")).toBe(7);
    expect(value(families, "session_created_last_hour")).toBe(7);
    expect(value(families, "session_ended_total", { reason: "expired" })).toBe(3);
    expect(value(families, "session_ended_total", { reason: "logout" })).toBe(1);
    expect(value(families, "session_failed_sign_ins_total")).toBe(2);
    expect(value(families, "session_average_duration_seconds")).toBe(1100);
    expect(value(families, "session_concurrent_sessions_per_user_max")).toBe(1);
    const duration = family(families, "session_duration_seconds");
    expect(duration.type).toBe("SUMMARY");
    expect(Number(duration.metrics[0]?.sum)).toBe(6600);
    expect(Number(duration.metrics[0]?.count)).toBe(6);
    const histogram = family(families, "session_concurrent_sessions_per_user");
    expect(histogram.type).toBe("HISTOGRAM");
    expect(histogram.metrics[0]?.buckets).toMatchObject({ "1": "1", "3": "1", "+Inf": "1" });

    // Every metric key has a TTL.
    const redis = testRedis();
    const keys = metricsKeys(prefix);
    for (const key of [keys.live, keys.born, keys.totals]) {
      expect(await redis.ttl(key), `${key} TTL`).toBeGreaterThan(0);
    }
  });

  it("counts password-change rotation as password_changed endings and the per-user count follows", async () => {
    const { kit } = testKit({}, { metrics: true });
    const user = "metrics-rotate";
    await signIn(kit, user);
    await signIn(kit, user);
    const current = await signIn(kit, user);
    await signIn(kit, user, { replaceCookie: current.cookie, revokeOtherSessions: true });
    const read = await kit.readMetrics();
    if (!read.ok) throw new Error("metrics unavailable");
    expect(read.metrics.endedTotal.password_changed).toBe(2);
    expect(read.metrics.endedTotal.logout, "the replaced browser session").toBe(1);
    expect(read.metrics.activeSessions).toBe(1);
    expect(read.metrics.usersBySessions).toEqual({ 1: 1 });
  });

  it("adds no command to a validation, and hands the metrics write of a sign-in to defer", async () => {
    const deferred: (() => Promise<unknown>)[] = [];
    const { kit } = testKit({}, { metrics: true, defer: (task) => void deferred.push(task) });
    const warm = await signIn(kit, "metrics-cost");
    await Promise.all(deferred.splice(0).map((task) => task()));

    const { url } = restCredentials();
    const seen: string[] = [];
    const original = globalThis.fetch;
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const target = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      if (target.startsWith(url) && typeof init?.body === "string") {
        seen.push(String((JSON.parse(init.body) as string[])[0]));
      }
      return original(input, init);
    });

    expect((await kit.validateSessionToken(warm.cookie)).ok).toBe(true);
    expect(seen, "validation: one GET, no metrics").toEqual(["get"]);
    seen.length = 0;
    await signIn(kit, "metrics-cost");
    expect(seen, "sign-in itself: one script and the sweep epoch (ADR 011)").toEqual(["evalsha", "get"]);
    expect(deferred, "the metrics write waits in defer").toHaveLength(1);
    await Promise.all(deferred.map((task) => task()));
    expect(seen).toEqual(["evalsha", "get", "evalsha"]);
  });
});
