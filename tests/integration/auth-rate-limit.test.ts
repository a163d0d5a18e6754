/**
 * Login and sign-up throttling against real Redis: per-account and per-IP windows.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { checkLoginThrottle, checkSignUpThrottle } from "@/lib/auth/rate-limit";
import { randomPrefix } from "../support/redis";

let prefix = "";

beforeAll(() => {
  prefix = randomPrefix("auth-rl");
  vi.stubEnv("AUTH_KEY_PREFIX", prefix);
  vi.stubEnv("AUTH_LOGIN_LIMIT_PER_ACCOUNT", "3");
  vi.stubEnv("AUTH_LOGIN_LIMIT_PER_IP_PER_MINUTE", "5");
  vi.stubEnv("AUTH_SIGNUP_LIMIT_PER_IP_PER_HOUR", "2");
});

// Forked workers run several files: leave no environment behind for the next one.
afterAll(() => {
  vi.unstubAllEnvs();
});

describe("login throttling", () => {
  it("denies an account after its limit, with a retry delay, without touching other accounts", async () => {
    const attempt = (email: string): ReturnType<typeof checkLoginThrottle> =>
      checkLoginThrottle({ ip: undefined, normalizedEmail: email });
    for (let i = 0; i < 3; i += 1) {
      expect(await attempt("victim@example.test"), `attempt ${i + 1}`).toEqual({ ok: true });
    }
    const denied = await attempt("victim@example.test");
    expect(denied.ok).toBe(false);
    if (denied.ok || denied.reason !== "throttled")
      throw new Error(`expected throttled, got ${JSON.stringify(denied)}`);
    expect(denied.retryAfterSeconds).toBeGreaterThan(0);
    expect(denied.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
    expect(await attempt("bystander@example.test")).toEqual({ ok: true });
  });

  it("costs one command per window, no re-send: @upstash/ratelimit's flagged script is found by EVALSHA", async () => {
    const check = (): ReturnType<typeof checkLoginThrottle> =>
      checkLoginThrottle({ ip: "203.0.113.9", normalizedEmail: "one-trip@example.test" });
    expect(await check()).toEqual({ ok: true }); // loads the script (EVALSHA → NOSCRIPT → EVAL) once
    const fetches = vi.spyOn(globalThis, "fetch");
    expect(await check()).toEqual({ ok: true });
    const commands = fetches.mock.calls.flatMap(([, init]) => {
      const body = JSON.parse(String(init?.body)) as string[] | string[][];
      return (Array.isArray(body[0]) ? (body as string[][]) : [body as string[]]).map((c) => c[0]);
    });
    expect(commands, "the IP window and the account window: one EVALSHA each").toEqual([
      "evalsha",
      "evalsha",
    ]);
    expect(fetches.mock.calls.length, "one round trip (the client pipelines both)").toBe(1);
    vi.restoreAllMocks();
  });

  it("lets the owner's known browser in while strangers have closed the account's window", async () => {
    const attempt = (deviceId?: string): ReturnType<typeof checkLoginThrottle> =>
      checkLoginThrottle({ ip: undefined, normalizedEmail: "owner@example.test", deviceId });
    for (let i = 0; i < 3; i += 1) expect(await attempt(), `stranger attempt ${i + 1}`).toEqual({ ok: true });
    expect((await attempt()).ok, "the account's window is closed for strangers").toBe(false);

    const laptop = "L".repeat(22);
    const phone = "P".repeat(22);
    expect(await attempt(laptop), "a known browser has a window of its own").toEqual({ ok: true });
    expect((await attempt()).ok, "still closed for strangers").toBe(false);
    // A known browser guessing wrong closes only its own window.
    for (let i = 0; i < 2; i += 1) expect(await attempt(laptop)).toEqual({ ok: true });
    expect((await attempt(laptop)).ok).toBe(false);
    expect(await attempt(phone)).toEqual({ ok: true });
  });

  it("denies an IP after its limit across different accounts", async () => {
    const results = [];
    for (let i = 0; i < 6; i += 1) {
      results.push(
        await checkLoginThrottle({ ip: "203.0.113.7", normalizedEmail: `spray${i}@example.test` }),
      );
    }
    expect(results.slice(0, 5).every((result) => result.ok)).toBe(true);
    expect(results[5]).toMatchObject({ ok: false, reason: "throttled" });
    expect(await checkLoginThrottle({ ip: "203.0.113.8", normalizedEmail: "spray9@example.test" })).toEqual({
      ok: true,
    });
  });

  it("keeps one window for a client that rotates IPv6 addresses inside its /64, and another /64 its own", async () => {
    // One subscriber, one /64: picking a fresh address per attempt is free, so the window is the prefix.
    const rotating = (i: number): string => `2001:db8:aa:bb:${i.toString(16)}::${(i * 7).toString(16)}`;
    const results = [];
    for (let i = 0; i < 6; i += 1) {
      results.push(await checkLoginThrottle({ ip: rotating(i), normalizedEmail: `v6-${i}@example.test` }));
    }
    expect(results.slice(0, 5).every((result) => result.ok)).toBe(true);
    expect(results[5], "the sixth address in the same /64 shares the window").toMatchObject({
      ok: false,
      reason: "throttled",
    });
    expect(
      await checkLoginThrottle({ ip: "2001:db8:aa:bc::1", normalizedEmail: "v6-next@example.test" }),
      "the neighbouring /64 is another subscriber",
    ).toEqual({ ok: true });
  });

  it("keeps one IP window for a client that rotates the first hop of X-Forwarded-For through one proxy", async () => {
    // Behind one proxy that appends the peer it saw; the client picks whatever it likes for the hops before it.
    vi.stubEnv("SESSION_TRUSTED_IP_HEADER", "x-forwarded-for");
    vi.stubEnv("SESSION_KEY_PREFIX", randomPrefix("auth-rl-kit"));
    vi.resetModules();
    const { deviceFromHeaders } = await import("@/lib/session/next");
    const ipOf = (i: number): string | undefined =>
      deviceFromHeaders(new Headers({ "x-forwarded-for": `10.${i}.0.1, 198.51.100.${i}, 192.0.2.50` })).ip;
    expect(ipOf(1), "the IP key is the hop the proxy appended").toBe("192.0.2.50");
    expect(ipOf(2), "a different client-chosen first hop gives the same IP key").toBe(ipOf(1));

    const signIns = [];
    for (let i = 0; i < 6; i += 1) {
      signIns.push(await checkLoginThrottle({ ip: ipOf(i), normalizedEmail: `rotate${i}@example.test` }));
    }
    expect(signIns.slice(0, 5).every((result) => result.ok)).toBe(true);
    expect(signIns[5], "the sixth sign-in from the same proxy peer is throttled").toMatchObject({
      ok: false,
      reason: "throttled",
    });
    const signUps = [];
    for (let i = 10; i < 13; i += 1) signUps.push(await checkSignUpThrottle(ipOf(i)));
    expect(signUps[2], "the third sign-up from the same proxy peer is throttled").toMatchObject({
      ok: false,
      reason: "throttled",
    });
  });

  it("limits sign-ups per IP, and skips the window when no IP is known", async () => {
    expect(await checkSignUpThrottle("198.51.100.1")).toEqual({ ok: true });
    expect(await checkSignUpThrottle("198.51.100.1")).toEqual({ ok: true });
    expect(await checkSignUpThrottle("198.51.100.1")).toMatchObject({ ok: false, reason: "throttled" });
    expect(await checkSignUpThrottle("198.51.100.2")).toEqual({ ok: true });
    expect(await checkSignUpThrottle(undefined)).toEqual({ ok: true });
  });
});
