/**
 * Coalesced validation (lib/session/coalesce.ts) against the real stack: concurrent validations share REST calls
 * (`/pipeline`), and each keeps its own verdict — live, revoked, ended, malformed, a Redis error, a timeout.
 * REST requests are counted with a fetch spy (the kit's client calls the global fetch); counts, never timings.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { SessionKit, ValidationResult } from "@/lib/session";
import { restCredentials } from "@/tests/support/redis";
import { redis, sessionKeyOf, signIn, testKit, userId } from "./session-fixtures";

type Sent = { commands: string[][] };

/**
 * Records every request to the REST server (one entry per HTTP request, with its commands); `hold(request)`
 * returning true keeps that request unanswered until its own abort signal fires (a stalled connection).
 */
function spyRest(hold: (sent: Sent) => boolean = () => false): { requests: Sent[] } {
  const { url } = restCredentials();
  const requests: Sent[] = [];
  const original = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const target = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!target.startsWith(url) || typeof init?.body !== "string") return original(input, init);
    const body = JSON.parse(init.body) as string[] | string[][];
    const sent = { commands: Array.isArray(body[0]) ? (body as string[][]) : [body as string[]] };
    requests.push(sent);
    const signal = init.signal;
    if (hold(sent) && signal !== undefined && signal !== null) {
      return new Promise<Response>((_, reject) => {
        signal.addEventListener("abort", () => reject(signal.reason as Error), { once: true });
      });
    }
    return original(input, init);
  });
  return { requests };
}

afterEach(() => {
  vi.restoreAllMocks();
});

type Expected = { cookie: string; user?: string; reason?: string };

/** Live sessions of `live` users, `revoked` signed out by another device, `ended` logged out, and junk. */
async function population(
  kit: SessionKit,
  counts: { live: number; revoked: number; ended: number; malformed: number },
): Promise<Expected[]> {
  const make = async (
    n: number,
    label: string,
  ): Promise<Array<{ user: string; cookie: string; id: string }>> =>
    Promise.all(
      Array.from({ length: n }, async () => {
        const user = userId(label);
        return { user, ...(await signIn(kit, user)) };
      }),
    );
  const live = await make(counts.live, "live");
  const revoked = await make(counts.revoked, "revoked");
  for (const r of revoked) expect((await kit.revokeSession(r.user, r.id)).ok).toBe(true);
  const ended = await make(counts.ended, "ended");
  for (const e of ended) expect((await kit.revokeCurrentSession(e.cookie)).ok).toBe(true);
  const junk = Array.from({ length: counts.malformed }, (_, i) => ({
    cookie: `Fe26.2*junk*${i}`,
    reason: "malformed",
  }));
  const all: Expected[] = [
    ...live.map((l) => ({ cookie: l.cookie, user: l.user })),
    ...revoked.map((r) => ({ cookie: r.cookie, reason: "revoked" })),
    ...ended.map((e) => ({ cookie: e.cookie, reason: "expired" })),
    ...junk,
  ];
  // Interleaved, so every batch mixes verdicts: live, revoked, ended and junk side by side.
  return all
    .map((entry, i) => ({ entry, order: (i * 37) % all.length }))
    .sort((a, b) => a.order - b.order)
    .map((x) => x.entry);
}

function verdictOf(result: ValidationResult): string {
  return result.ok ? `ok:${result.session.userId}` : result.reason;
}

function expectedVerdict(entry: Expected): string {
  return entry.user === undefined ? (entry.reason ?? "?") : `ok:${entry.user}`;
}

const BOUNDS = { maxBatch: 32, maxInFlight: 4, maxWaitMs: 10 };

describe("concurrent validations share REST calls", () => {
  it("50 at once: each gets its own verdict, one GET each, in far fewer requests than GETs", async () => {
    const { kit } = testKit({ redis: { timeoutMs: 5000, retries: 1, ...BOUNDS } });
    const cases = await population(kit, { live: 30, revoked: 8, ended: 7, malformed: 5 });
    const needRedis = cases.filter((c) => c.reason !== "malformed").length;

    // Cold: every cookie is unsealed first (crypto), so the GETs arrive spread out.
    let spy = spyRest();
    const cold = await Promise.all(cases.map((c) => kit.validateSessionToken(c.cookie)));
    expect(cold.map(verdictOf), "cold: a verdict that is not the cookie's own").toEqual(
      cases.map(expectedVerdict),
    );
    const coldCommands = spy.requests.flatMap((r) => r.commands);
    expect(
      coldCommands.map((c) => c[0]?.toLowerCase()),
      "only GETs",
    ).toEqual(coldCommands.map(() => "get"));
    expect(coldCommands.length, "exactly one GET per cookie that needs Redis").toBe(needRedis);

    // Warm (cookies opened before): the 45 GETs reach the store together.
    vi.restoreAllMocks();
    spy = spyRest();
    const warm = await Promise.all(cases.map((c) => kit.validateSessionToken(c.cookie)));
    expect(warm.map(verdictOf), "warm: a verdict that is not the cookie's own").toEqual(
      cases.map(expectedVerdict),
    );
    const warmCommands = spy.requests.flatMap((r) => r.commands);
    expect(warmCommands.length, "exactly one GET per cookie that needs Redis").toBe(needRedis);
    // The first alone at once, a full batch of 32 at once, the other 12 together when a call returns.
    expect(spy.requests.length, `REST requests for ${needRedis} GETs`).toBeLessThanOrEqual(4);
    expect(spy.requests.map((r) => r.commands.length)[0], "the first GET goes out alone").toBe(1);
  });

  it("GETs of one cookie waiting together share one command; a GET already sent is never shared", async () => {
    const { kit } = testKit({ redis: { timeoutMs: 5000, retries: 1, ...BOUNDS } });
    const user = userId();
    const { cookie } = await signIn(kit, user);
    await kit.validateSessionToken(cookie);
    const spy = spyRest();
    const results = await Promise.all(Array.from({ length: 10 }, () => kit.validateSessionToken(cookie)));
    expect(results.map(verdictOf)).toEqual(results.map(() => `ok:${user}`));
    expect(
      spy.requests.map((r) => r.commands.length),
      "one GET sent alone, one shared by the nine waiting",
    ).toEqual([1, 1]);
  });

  it("a validation that starts after a revoke sees the revoke, even while an older GET of that key is in flight", async () => {
    const { kit, prefix } = testKit({ redis: { timeoutMs: 5000, retries: 1, ...BOUNDS } });
    const user = userId();
    const { cookie, id } = await signIn(kit, user);
    const key = await sessionKeyOf(prefix, cookie);
    await kit.validateSessionToken(cookie);
    // The first GET of the key reads before the revoke; its answer is held until the second validation has begun.
    const { url } = restCredentials();
    const original = globalThis.fetch;
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let holding = true;
    const gets: string[][][] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const target = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      const body = typeof init?.body === "string" ? (JSON.parse(init.body) as string[] | string[][]) : [];
      const commands = Array.isArray(body[0]) ? (body as string[][]) : [body as string[]];
      if (target.startsWith(url) && commands.some((c) => c[0] === "get" && c[1] === key)) {
        gets.push(commands);
        if (holding) {
          holding = false;
          const response = await original(input, init); // read before the revoke
          await held;
          return response;
        }
      }
      return original(input, init);
    });
    const before = kit.validateSessionToken(cookie);
    await vi.waitFor(() => expect(gets.length).toBe(1));
    expect((await kit.revokeSession(user, id)).ok).toBe(true);
    const after = kit.validateSessionToken(cookie);
    release(); // the held GET answers now, with what it read before the revoke
    const afterResult = await after;
    expect((await before).ok, "the GET read before the revoke").toBe(true);
    expect(afterResult, "a validation begun after the revoke").toEqual({ ok: false, reason: "revoked" });
    expect(gets.length, "two GETs of the key: the second never joined the first").toBe(2);
  });

  it("a Redis error on one key (WRONGTYPE) is that validation's own: 'unavailable', the rest of its batch right", async () => {
    const { kit, prefix } = testKit({ redis: { timeoutMs: 5000, retries: 1, ...BOUNDS } });
    const cases = await population(kit, { live: 12, revoked: 4, ended: 4, malformed: 0 });
    const broken = cases[5] as Expected;
    const brokenKey = await sessionKeyOf(prefix, broken.cookie);
    await redis.del(brokenKey);
    await redis.lpush(brokenKey, "not a session");
    await Promise.all(cases.map((c) => kit.validateSessionToken(c.cookie)));

    const spy = spyRest();
    const results = await Promise.all(cases.map((c) => kit.validateSessionToken(c.cookie)));
    const expected = cases.map((c) => (c === broken ? "unavailable" : expectedVerdict(c)));
    expect(results.map(verdictOf), "an error leaked into another validation").toEqual(expected);
    const shared = spy.requests.find((r) => r.commands.some((c) => c[1] === brokenKey));
    expect(shared?.commands.length, "the broken key shared a pipeline with others").toBeGreaterThan(1);
    expect(results.filter((r) => !r.ok && r.reason === "unavailable")).toHaveLength(1);
  });

  it("a request that times out makes only its own validations 'unavailable'; the queue behind it goes on", async () => {
    const { kit, prefix } = testKit({ redis: { timeoutMs: 800, retries: 0, ...BOUNDS } });
    const cases = await population(kit, { live: 10, revoked: 3, ended: 3, malformed: 2 });
    const slow = cases.find((c) => c.user !== undefined) as Expected;
    const slowKey = await sessionKeyOf(prefix, slow.cookie);
    await Promise.all(cases.map((c) => kit.validateSessionToken(c.cookie)));

    // The slow cookie's GET is sent first, alone, and never answered: it times out.
    const spy = spyRest((sent) => sent.commands.some((c) => c[1] === slowKey));
    const ordered = [slow, ...cases.filter((c) => c !== slow)];
    const results = await Promise.all(ordered.map((c) => kit.validateSessionToken(c.cookie)));
    const expected = ordered.map((c) => (c === slow ? "unavailable" : expectedVerdict(c)));
    expect(results.map(verdictOf), "a timeout leaked into another validation").toEqual(expected);
    expect(spy.requests[0]?.commands, "the stalled request carried the slow GET alone").toEqual([
      ["get", slowKey],
    ]);
  });
});
