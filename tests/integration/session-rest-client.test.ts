/**
 * The kit's own REST client (lib/session/rest.ts), used when no `redis` is passed: what it sends, the NOSCRIPT →
 * EVAL fallback, read-your-writes tokens, and errors kept as values by the kit. Against the real stack.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createRestClient } from "@/lib/session/rest";
import { randomPrefix, restCredentials } from "@/tests/support/redis";
import { redis, sessionKeyOf, signIn, testKit, userId } from "./session-fixtures";

type Seen = { url: string; body: unknown; headers: Record<string, string> };

function spyFetch(): Seen[] {
  const seen: Seen[] = [];
  const original = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    seen.push({
      url,
      body: JSON.parse(String(init?.body)) as unknown,
      headers: { ...(init?.headers as Record<string, string>) },
    });
    return original(input, init);
  });
  return seen;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the kit's REST client", () => {
  it("validates with one plain-JSON GET, the bearer token, and no @upstash/redis encoding", async () => {
    const { kit, prefix } = testKit();
    const user = userId();
    const { cookie } = await signIn(kit, user);
    const seen = spyFetch();
    const result = await kit.validateSessionToken(cookie);
    expect(result.ok && result.session.userId).toBe(user);
    expect(seen.map((s) => s.body)).toEqual([["get", await sessionKeyOf(prefix, cookie)]]);
    expect(seen[0]?.url).toBe(restCredentials().url);
    expect(seen[0]?.headers.authorization).toBe(`Bearer ${restCredentials().token}`);
    expect(seen[0]?.headers["upstash-encoding"], "values come back as plain JSON").toBeUndefined();
  });

  it("sends each reply's sync token with the next request (read your writes)", async () => {
    const { kit } = testKit();
    const { cookie } = await signIn(kit, userId());
    const seen = spyFetch();
    await kit.validateSessionToken(cookie);
    await kit.touchSession(cookie);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (const sent of seen)
      expect(sent.headers["upstash-sync-token"], "a request without the token").toMatch(/./);
  });

  it("runs a script by EVALSHA, re-sends it with EVAL once when the server forgot it, then EVALSHA again", async () => {
    const { kit, clock } = testKit();
    const { cookie } = await signIn(kit, userId());
    clock.advanceSeconds(120);
    await kit.touchSession(cookie); // the touch script is loaded now
    await redis.scriptFlush();
    const seen = spyFetch();
    clock.advanceSeconds(120);
    expect(await kit.touchSession(cookie)).toEqual({ ok: true, touched: true });
    clock.advanceSeconds(120);
    expect(await kit.touchSession(cookie)).toEqual({ ok: true, touched: true });
    const names = seen.map((s) => (Array.isArray(s.body) ? String(s.body[0]) : "?"));
    expect(names).toEqual(["evalsha", "eval", "evalsha"]);
  });

  it("throws Redis's own text for a command error, and per entry in a pipeline", async () => {
    const { url, token } = restCredentials();
    const client = createRestClient({ url, token, timeoutMs: 5000, retries: 0 });
    const list = `${randomPrefix("rest")}{l}`;
    const text = `${randomPrefix("rest")}{t}`;
    await redis.lpush(list, "x");
    await redis.set(text, "hello");
    await expect(client.command(["get", list])).rejects.toThrow(/^WRONGTYPE/);
    const replies = await client.pipeline([
      ["get", list],
      ["get", text],
    ]);
    expect(replies[0]?.error).toMatch(/^WRONGTYPE/);
    expect(replies[1]).toEqual({ result: "hello" });
  });

  it("throws on a wrong token, and a kit with one reports 'unavailable', never signed out", async () => {
    const { url } = restCredentials();
    await expect(
      createRestClient({ url, token: "wrong", timeoutMs: 5000, retries: 0 }).command(["ping"]),
    ).rejects.toThrow(/WRONGPASS/);
    const { kit } = testKit();
    const { cookie } = await signIn(kit, userId());
    const { kit: locked } = testKit({}, { env: { UPSTASH_REDIS_REST_TOKEN: "wrong" } });
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    expect(await locked.validateSessionToken(cookie)).toEqual({ ok: false, reason: "unavailable" });
  });
});
