/**
 * Faults under load, loopback only, each bounded in time: a stack of its own (its redis-server can be killed
 * without disturbing the other test files) and kits with a short SESSION_REDIS_TIMEOUT_MS.
 * - Redis SIGKILLed while concurrent validations run: every call resolves (ok before, "unavailable" after),
 *   none takes longer than the timeout plus scheduling slack, and after a restart every session validates.
 * - A REST server that answers late (a delaying proxy in front of it): the same bound, then recovery.
 * Invariant throughout: an outage is never a sign-out (no "expired", "revoked", "malformed"...).
 */
import { performance } from "node:perf_hooks";
import { Redis as IORedis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createSessionKit, type SessionKit, type ValidationResult } from "@/lib/session";
import { userKeys } from "@/lib/session/keys";
import { startDelayProxy } from "@/scripts/delay-proxy";
import { type Stack, hasRedisServer, startStack } from "@/scripts/stack";
import { randomPrefix } from "@/tests/support/redis";

const SECRET = "faults-secret-0123456789-abcdefghijklmnopq";
const TIMEOUT_MS = 400;
/** Unsealing, event-loop and scheduling delays on a 2-core machine shared with other test workers. */
const SLACK_MS = 400;
const MAX_CALL_MS = TIMEOUT_MS + SLACK_MS;

type Sample = { startedAt: number; ms: number; outcome: string };

function kitAt(url: string, token: string, prefix: string): SessionKit {
  return createSessionKit({
    env: { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token, SESSION_SECRET: SECRET },
    config: { keyPrefix: prefix, maxSessionsPerUser: 100, redis: { timeoutMs: TIMEOUT_MS, retries: 1 } },
  });
}

function outcomeOf(result: { ok: boolean; reason?: string }): string {
  return result.ok ? "ok" : (result.reason ?? "?");
}

/** Times one call; a rejection is an outcome too ("threw"), never an unhandled error. */
async function timed(call: () => Promise<{ ok: boolean; reason?: string }>): Promise<Sample> {
  const startedAt = performance.now();
  let outcome: string;
  try {
    outcome = outcomeOf(await call());
  } catch (error) {
    outcome = `threw: ${error instanceof Error ? error.message : String(error)}`;
  }
  return { startedAt, ms: performance.now() - startedAt, outcome };
}

/** `workers` loops validating random cookies until `durationMs` has passed. */
async function validationLoad(
  kit: SessionKit,
  cookies: readonly string[],
  workers: number,
  durationMs: number,
): Promise<Sample[]> {
  const samples: Sample[] = [];
  const until = performance.now() + durationMs;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      let i = w;
      while (performance.now() < until) {
        const cookie = cookies[i % cookies.length] as string;
        i += workers;
        samples.push(await timed(() => kit.validateSessionToken(cookie)));
      }
    }),
  );
  return samples;
}

async function signInMany(kit: SessionKit, users: number, perUser: number): Promise<string[]> {
  const cookies: string[] = [];
  for (let u = 0; u < users; u++) {
    for (let s = 0; s < perUser; s++) {
      const result = await kit.createSession({ userId: `fault-user-${u}`, device: { userAgent: `d${s}` } });
      if (!result.ok) throw new Error(`setup: createSession failed (${result.reason})`);
      cookies.push(result.cookie.value);
    }
  }
  return cookies;
}

async function waitUntilHealthy(kit: SessionKit, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await kit.checkHealth()).ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the store did not come back within ${timeoutMs} ms`);
}

function slowest(samples: readonly Sample[]): Sample | undefined {
  return [...samples].sort((a, b) => b.ms - a.ms)[0];
}

describe.runIf(hasRedisServer())("faults: Redis and the REST server failing under load", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ useRedisUrl: false, allowEmbedded: false });
  }, 30_000);

  afterAll(async () => {
    await stack?.stop();
  });

  beforeEach(() => {
    // attempt() logs every store failure; hundreds of them are expected here.
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    return () => vi.restoreAllMocks();
  });

  it("Redis SIGKILLed mid-load: every validation resolves within the timeout, only ok or unavailable, and every session validates after the restart", async () => {
    const kit = kitAt(stack.restUrl, stack.restToken, randomPrefix("faults-kill"));
    const cookies = await signInMany(kit, 8, 5);
    // A snapshot to come back with: the stack's redis-server runs without persistence otherwise.
    await stack.saveRedis();

    const killAt = 600;
    const started = performance.now();
    const killed = new Promise<number>((resolve) =>
      setTimeout(() => {
        void stack.killRedis().then(() => resolve(performance.now()));
      }, killAt),
    );
    const samples = await validationLoad(kit, cookies, 16, 2_400);
    const killedAt = await killed;

    const outcomes = new Set(samples.map((s) => s.outcome));
    expect([...outcomes].sort(), "an outage is never a sign-out or an exception").toEqual([
      "ok",
      "unavailable",
    ]);
    const worst = slowest(samples);
    expect(worst?.ms ?? 0, `slowest call (${worst?.outcome}) vs timeout ${TIMEOUT_MS} ms`).toBeLessThan(
      MAX_CALL_MS,
    );
    const before = samples.filter((s) => s.startedAt + s.ms < started + killAt);
    const after = samples.filter((s) => s.startedAt > killedAt + 50);
    expect(before.length, "validations before the kill").toBeGreaterThan(20);
    expect(
      before.every((s) => s.outcome === "ok"),
      "all ok before the kill",
    ).toBe(true);
    expect(after.length, "validations while Redis is dead").toBeGreaterThan(20);
    expect(
      after.every((s) => s.outcome === "unavailable"),
      "all unavailable after the kill",
    ).toBe(true);

    await stack.startRedis();
    await waitUntilHealthy(kit, 10_000);
    const again = await Promise.all(cookies.map((cookie) => kit.validateSessionToken(cookie)));
    expect(again.map((r) => outcomeOf(r))).toEqual(cookies.map(() => "ok"));
  }, 40_000);

  it("a REST server that answers late: every operation resolves unavailable within the timeout, none hangs, and all works once it is fast again", async () => {
    const proxy = await startDelayProxy(stack.restUrl);
    try {
      await waitUntilHealthy(kitAt(stack.restUrl, stack.restToken, "x:"), 10_000);
      const prefix = randomPrefix("faults-slow");
      const kit = kitAt(proxy.url, stack.restToken, prefix);
      const cookies = await signInMany(kit, 4, 5);

      proxy.setDelay(TIMEOUT_MS * 3);
      const validations = await validationLoad(kit, cookies, 12, 1_500);
      const user = "fault-user-0";
      const others = await Promise.all([
        timed(() => kit.createSession({ userId: user, device: { userAgent: "late" } })),
        timed(() => kit.listUserSessions(user)),
        timed(() => kit.touchSession(cookies[0] as string)),
        timed(() => kit.revokeOtherSessions(user, cookies[0] as string)),
        timed(() => kit.revokeUserSessions("fault-user-1")),
        timed(() => kit.revokeCurrentSession(cookies[2] as string)),
      ]);
      const samples = [...validations, ...others];
      expect(new Set(samples.map((s) => s.outcome)), "only unavailable while slow").toEqual(
        new Set(["unavailable"]),
      );
      const worst = slowest(samples);
      expect(worst?.ms ?? 0, `slowest call vs timeout ${TIMEOUT_MS} ms`).toBeLessThan(MAX_CALL_MS);
      expect(
        Math.min(...samples.map((s) => s.ms)),
        "each call waited for its timeout",
      ).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);

      proxy.setDelay(0);
      // Late requests still reach Redis after the client gave up: let them land before checking.
      await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS * 3 + 200));
      const list = await kit.listUserSessions(user);
      expect(list.ok, "list once fast again").toBe(true);
      const live = list.ok ? list.sessions : [];
      const direct = new IORedis(stack.redisUrl as string);
      const members = await direct.zrange(userKeys(prefix, user).index, 0, -1);
      direct.disconnect();
      expect(members.length, "index = live sessions, even with operations that landed late").toBe(
        live.length,
      );
      for (const result of await Promise.all(cookies.map((c) => kit.validateSessionToken(c)))) {
        expect(
          ["ok", "revoked", "expired"],
          "a signed-out reason comes only from an operation that ran",
        ).toContain(outcomeOf(result as ValidationResult));
      }
      const fresh = await kit.createSession({ userId: "fault-user-3", device: { userAgent: "after" } });
      expect(fresh.ok && (await kit.validateSessionToken(fresh.cookie.value)).ok).toBe(true);
    } finally {
      await proxy.close();
    }
  }, 40_000);
});
