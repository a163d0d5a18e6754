import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createSessionKit } from "@/lib/session";
import { buildPasswords, unsealCookie } from "@/lib/session/cookie";
import { userKeys } from "@/lib/session/keys";
import { directRedis, restCredentials, stackKind } from "@/tests/support/redis";
import { SECRET, redis, sessionKeyOf, signIn, testKit, userId } from "./session-fixtures";

/** Every key under a prefix, found with SCAN (tests may; the kit never does). */
async function scanKeys(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, { match: `${prefix}*`, count: 500 });
    cursor = String(next);
    keys.push(...batch);
  } while (cursor !== "0");
  return keys;
}

async function tokenOf(cookie: string): Promise<string> {
  const payload = await unsealCookie(cookie, await buildPasswords({ secret: SECRET, previousSecrets: [] }));
  if (payload === null) throw new Error("cookie did not unseal");
  return payload.t;
}

/** Records the Redis commands the REST client sends (one fetch per command: no pipelining in the kit). */
function recordCommands(): { commands: () => string[][] } {
  const { url } = restCredentials();
  const seen: string[][] = [];
  const original = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const target = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (target.startsWith(url) && typeof init?.body === "string") {
      // A pipeline request carries [[command], ...]; a single command is [name, ...args].
      const body = JSON.parse(init.body) as string[] | string[][];
      for (const command of Array.isArray(body[0]) ? (body as string[][]) : [body as string[]])
        seen.push(command);
    }
    return original(input, init);
  });
  return { commands: () => seen };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("what Redis holds", () => {
  it("never a raw token: every key and value under the prefix is free of the tokens and cookies", async () => {
    const { kit, prefix } = testKit({ maxSessionsPerUser: 2 });
    const user = userId();
    const cookies = [];
    for (let i = 0; i < 4; i++) cookies.push((await signIn(kit, user)).cookie);
    await kit.revokeSession(user, (await signIn(kit, userId("other"))).id);
    await kit.touchSession(cookies[3]!);
    const tokens = await Promise.all(cookies.map(tokenOf));

    const keys = await scanKeys(prefix);
    expect(keys.length, "sessions, markers and indexes exist").toBeGreaterThan(3);
    const dump: string[] = [];
    for (const key of keys) {
      dump.push(key);
      const type = await redis.type(key);
      if (type === "string") dump.push(String(await redis.get(key)));
      if (type === "zset") dump.push(...(await redis.zrange<string[]>(key, 0, -1)));
    }
    const everything = dump.join("\n");
    for (const token of tokens) expect(everything, "a raw token is stored").not.toContain(token);
    for (const cookie of cookies) expect(everything, "a cookie is stored").not.toContain(cookie);
  });

  it("every key has a TTL, and the index lives as long as its longest-lived session", async () => {
    const { kit, clock, prefix } = testKit({ maxSessionsPerUser: 3 });
    const user = userId();
    const a = await signIn(kit, user);
    await signIn(kit, user, { remember: true });
    await kit.revokeUserSessions(userId("nobody"));
    clock.advanceSeconds(120);
    await kit.touchSession(a.cookie);

    for (const key of await scanKeys(prefix)) {
      expect(await redis.pttl(key), `${key} must expire`).toBeGreaterThan(0);
    }
    const index = userKeys(prefix, user).index;
    expect(await redis.pttl(index), "index TTL follows the remember-me session (7 days)").toBeGreaterThan(
      6.9 * 86_400_000,
    );
  });

  it("the index expires with the user's last session", async () => {
    const { kit, prefix } = testKit({
      idleTimeoutSeconds: 2,
      absoluteLifetimeSeconds: 3,
      touchIntervalSeconds: 1,
    });
    const user = userId();
    const { cookie } = await signIn(kit, user);
    const index = userKeys(prefix, user).index;
    expect(await redis.exists(index)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(await redis.exists(await sessionKeyOf(prefix, cookie)), "session key expired in Redis").toBe(0);
    expect(await redis.exists(index), "index expired with it").toBe(0);
  });

  it("the index is pruned of dead entries when read", async () => {
    const { kit, prefix } = testKit();
    const user = userId();
    const a = await signIn(kit, user);
    const b = await signIn(kit, user);
    await redis.del(await sessionKeyOf(prefix, a.cookie));
    const list = await kit.listUserSessions(user);
    expect(list.ok && list.sessions.map((s) => s.id)).toEqual([b.id]);
    expect(await redis.zcard(userKeys(prefix, user).index)).toBe(1);
  });

  it("all of a user's keys share one hash tag, whatever the user id contains", async () => {
    const { kit, prefix } = testKit();
    const user = "we{ird}:user id/ü";
    await signIn(kit, user);
    await signIn(kit, user);
    const keys = await scanKeys(prefix);
    const tags = new Set(keys.map((key) => /\{([^}]*)\}/.exec(key)?.[1]));
    expect(tags).toEqual(new Set([encodeURIComponent(user)]));
    expect(keys.length).toBe(3);
  });

  it("scripts still run after Redis forgets them (EVALSHA → NOSCRIPT → EVAL)", async () => {
    if (stackKind() === "embedded") return;
    const { kit } = testKit();
    const user = userId();
    await signIn(kit, user);
    const direct = directRedis();
    try {
      await direct.script("FLUSH");
    } finally {
      direct.disconnect();
    }
    const again = await signIn(kit, user);
    expect((await kit.validateSessionToken(again.cookie)).ok).toBe(true);
    const list = await kit.listUserSessions(user);
    expect(list.ok && list.sessions.length).toBe(2);
  });
});

describe("Redis commands per operation", () => {
  it("a steady-state validation is exactly one GET", async () => {
    const { kit } = testKit();
    const { cookie } = await signIn(kit, userId());
    const { commands } = recordCommands();
    const result = await kit.validateSessionToken(cookie);
    expect(result.ok).toBe(true);
    expect(commands().map((c) => c[0])).toEqual(["get"]);
  });

  it("a validation inside the revalidate window issues no command at all", async () => {
    const { kit, clock } = testKit({ revalidateAfterSeconds: 30 });
    const { cookie } = await signIn(kit, userId());
    clock.advanceSeconds(5);
    const { commands } = recordCommands();
    expect((await kit.validateSessionToken(cookie)).ok).toBe(true);
    expect(commands()).toEqual([]);
  });

  it("sign-in is one script and one GET; touch, each list and each revoke one script call each", async () => {
    const { kit, clock } = testKit();
    const user = userId();
    // Warm the script cache so EVALSHA hits. Every warm-up call uses this user: on Redis Cluster a script is
    // cached per node, and another user's keys may live on another node.
    const warm = await signIn(kit, user);
    clock.advanceSeconds(61);
    await kit.touchSession(warm.cookie);
    await kit.revokeSession(user, warm.id);
    await kit.revokeUserSessions(user);
    await kit.revokeOtherSessions(user, (await signIn(kit, user)).cookie);
    await kit.listUserSessions(user);
    await kit.validateAndListSessions((await signIn(kit, user)).cookie);
    await kit.revokeCurrentSession((await signIn(kit, user)).cookie);

    const { commands } = recordCommands();
    const a = await signIn(kit, user);
    clock.advanceSeconds(61);
    await kit.touchSession(a.cookie);
    await kit.listUserSessions(user);
    expect((await kit.validateAndListSessions(a.cookie, { activityLimit: 20 })).ok).toBe(true);
    await kit.revokeSession(user, a.id);
    await kit.revokeOtherSessions(user, a.cookie);
    await kit.revokeUserSessions(user);
    await kit.revokeCurrentSession(a.cookie);
    await kit.listUserSessions(user, { activityLimit: 20 });
    // The sign-in also reads the sweep epoch after its script (ADR 011); the "before" reading is cached.
    expect(commands().map((c) => c[0])).toEqual(["evalsha", "get", ...Array<string>(8).fill("evalsha")]);
  });
});

describe("decoded records", () => {
  it("are reused for the same stored value but never shared: a caller's edits do not reach the next validation", async () => {
    const { kit, clock } = testKit();
    const { cookie } = await signIn(kit, userId());
    const first = await kit.validateSessionToken(cookie);
    if (!first.ok) throw new Error("expected a valid session");
    const original = structuredClone(first.session);
    first.session.userId = "someone-else";
    first.session.device.browser = "edited";
    const second = await kit.validateSessionToken(cookie);
    expect(second.ok && second.session).toEqual(original);

    // A touch rewrites the record: the next validation decodes the new value.
    clock.advanceSeconds(61);
    expect(await kit.touchSession(cookie)).toEqual({ ok: true, touched: true });
    const third = await kit.validateSessionToken(cookie);
    expect(third.ok && third.session.lastActiveAt).toBe(clock.now());
  });
});

describe("when the store is unreachable", () => {
  let hanging: Server;
  let hangingUrl = "";
  beforeAll(async () => {
    // Accepts connections, never answers: only a timeout that throws can get us out.
    hanging = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    hangingUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    hanging.closeAllConnections();
    await new Promise((resolve) => hanging.close(resolve));
  });

  function kitAt(url: string): ReturnType<typeof createSessionKit> {
    return createSessionKit({
      env: { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: "t", SESSION_SECRET: SECRET },
      config: { redis: { timeoutMs: 300, retries: 1 }, keyPrefix: "unreachable:" },
    });
  }

  it.each([
    ["a closed port", (): string => "http://127.0.0.1:1"],
    ["a server that never answers", (): string => hangingUrl],
  ])("every operation reports unavailable, never signed out, with %s", async (_label, url) => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const { kit: healthy } = testKit();
    const { cookie, id } = await signIn(healthy, "user-1");
    const kit = kitAt(url());
    const unavailable = { ok: false, reason: "unavailable" };

    const started = Date.now();
    expect(await kit.validateSessionToken(cookie)).toEqual(unavailable);
    expect(Date.now() - started, "bounded by the timeout").toBeLessThan(2000);
    expect(await kit.createSession({ userId: "user-1", device: { userAgent: "UA" } })).toEqual(unavailable);
    expect(await kit.touchSession(cookie)).toEqual(unavailable);
    expect(await kit.listUserSessions("user-1")).toEqual(unavailable);
    expect(await kit.validateAndListSessions(cookie)).toEqual(unavailable);
    expect(await kit.revokeSession("user-1", id)).toEqual(unavailable);
    expect(await kit.revokeOtherSessions("user-1", cookie)).toEqual(unavailable);
    expect(await kit.revokeUserSessions("user-1")).toEqual(unavailable);
    expect(await kit.revokeCurrentSession(cookie)).toEqual(unavailable);
    const health = await kit.checkHealth();
    expect(health.ok).toBe(false);
    expect(await kit.validateSessionToken("garbage"), "a junk cookie is still just malformed").toEqual({
      ok: false,
      reason: "malformed",
    });
  });

  it("health check reports latency when the store answers", async () => {
    const { kit } = testKit();
    const health = await kit.checkHealth();
    expect(health.ok && health.latencyMs).toBeGreaterThanOrEqual(0);
  });
});

describe("a Redis client passed in by the app", () => {
  it("works with @upstash/redis defaults (JSON deserialization and auto-pipelining on)", async () => {
    const { testRedis, randomPrefix } = await import("@/tests/support/redis");
    const kit = createSessionKit({
      redis: testRedis(),
      env: { SESSION_SECRET: SECRET },
      config: { keyPrefix: randomPrefix("sess"), maxSessionsPerUser: 2 },
    });
    const user = userId();
    const a = await signIn(kit, user);
    const b = await signIn(kit, user);
    const c = await signIn(kit, user);
    expect(await kit.validateSessionToken(a.cookie)).toEqual({ ok: false, reason: "evicted" });
    const valid = await kit.validateSessionToken(b.cookie);
    expect(valid.ok && valid.session.device.browser).toBe("Firefox");
    const list = await kit.listUserSessions(user);
    expect(list.ok && list.sessions.map((s) => s.id).sort()).toEqual([b.id, c.id].sort());
    const combined = await kit.validateAndListSessions(c.cookie, { activityLimit: 5 });
    expect(combined.ok && combined.listing.sessions.map((s) => s.id).sort()).toEqual([b.id, c.id].sort());
    expect(await kit.validateAndListSessions(a.cookie)).toEqual({ ok: false, reason: "evicted" });
    expect(await kit.revokeOtherSessions(user, c.cookie)).toEqual({ ok: true, revoked: 1 });
  });
});
