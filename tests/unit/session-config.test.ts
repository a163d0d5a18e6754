import { describe, expect, it } from "vitest";
import { loadSessionConfig } from "@/lib/session";

const SECRET = "s".repeat(40);

describe("session config", () => {
  it("defaults to the policy of the seeds: 30 min idle, 24 h absolute, 3 devices, evict the oldest", () => {
    const config = loadSessionConfig({}, { SESSION_SECRET: SECRET });
    expect(config).toMatchObject({
      idleTimeoutSeconds: 1800,
      absoluteLifetimeSeconds: 86_400,
      rememberMe: { idleTimeoutSeconds: 7 * 86_400, absoluteLifetimeSeconds: 30 * 86_400 },
      maxSessionsPerUser: 3,
      capPolicy: "evict-oldest",
      touchIntervalSeconds: 60,
      revalidateAfterSeconds: 0,
      keyPrefix: "session:",
      redis: { timeoutMs: 1000, retries: 1, maxBatch: 32, maxInFlight: 4, maxWaitMs: 10 },
      cookieName: "session",
      secureCookie: false,
      previousSecrets: [],
    });
  });

  it("lets SESSION_* environment variables override code, and code override defaults", () => {
    const config = loadSessionConfig(
      { idleTimeoutSeconds: 900, maxSessionsPerUser: 5, capPolicy: "reject-new" },
      {
        SESSION_SECRET: SECRET,
        SESSION_SECRET_PREVIOUS: ` ${"p".repeat(32)} , ${"q".repeat(32)},`,
        SESSION_IDLE_TIMEOUT_SECONDS: "600",
        SESSION_REMEMBER_ABSOLUTE_LIFETIME_SECONDS: "1209600",
        SESSION_REDIS_TIMEOUT_MS: "250",
        SESSION_REDIS_MAX_BATCH: "8",
        SESSION_KEY_PREFIX: "app:sess:",
      },
    );
    expect(config.idleTimeoutSeconds, "env wins over code").toBe(600);
    expect(config.maxSessionsPerUser, "code wins over defaults").toBe(5);
    expect(config.capPolicy).toBe("reject-new");
    expect(config.previousSecrets).toEqual(["p".repeat(32), "q".repeat(32)]);
    expect(config.rememberMe).toEqual({ idleTimeoutSeconds: 7 * 86_400, absoluteLifetimeSeconds: 1_209_600 });
    expect(config.redis).toEqual({ timeoutMs: 250, retries: 1, maxBatch: 8, maxInFlight: 4, maxWaitMs: 10 });
    expect(config.keyPrefix).toBe("app:sess:");
  });

  it("uses a Secure __Host- cookie in production or when secureCookie is set", () => {
    expect(loadSessionConfig({}, { SESSION_SECRET: SECRET, NODE_ENV: "production" })).toMatchObject({
      cookieName: "__Host-session",
      secureCookie: true,
    });
    expect(
      loadSessionConfig({ secureCookie: true, cookieName: "sid" }, { SESSION_SECRET: SECRET }).cookieName,
    ).toBe("__Host-sid");
    expect(
      loadSessionConfig(
        {},
        { SESSION_SECRET: SECRET, NODE_ENV: "production", SESSION_SECURE_COOKIE: "false" },
      ).cookieName,
    ).toBe("session");
  });

  it("refuses a missing or short secret with the fix in the message", () => {
    const message =
      "session: SESSION_SECRET must be at least 32 characters (generate one with: openssl rand -base64 32)";
    expect(() => loadSessionConfig({}, {})).toThrow(message);
    expect(() => loadSessionConfig({}, { SESSION_SECRET: "short" })).toThrow(message);
    expect(() => loadSessionConfig({ secret: "x".repeat(31) }, {})).toThrow(message);
  });

  it.each([
    [{ SESSION_IDLE_TIMEOUT_SECONDS: "abc" }, "session: SESSION_IDLE_TIMEOUT_SECONDS must be a whole number"],
    [{ SESSION_IDLE_TIMEOUT_SECONDS: "-5" }, "session: SESSION_IDLE_TIMEOUT_SECONDS must be a whole number"],
    [{ SESSION_CAP_POLICY: "drop-random" }, "session: capPolicy:"],
    [{ SESSION_MAX_SESSIONS_PER_USER: "0" }, "session: maxSessionsPerUser:"],
    [{ SESSION_REDIS_MAX_BATCH: "0" }, "session: redis.maxBatch:"],
    [{ SESSION_REDIS_MAX_IN_FLIGHT: "0" }, "session: redis.maxInFlight:"],
    [{ SESSION_TOUCH_INTERVAL_SECONDS: "1800" }, "session: touchIntervalSeconds:"],
    [
      { SESSION_IDLE_TIMEOUT_SECONDS: "100000" },
      "session: idleTimeoutSeconds: must not exceed the absolute lifetime",
    ],
    [{ SESSION_KEY_PREFIX: "app{x}:" }, "session: keyPrefix: must not contain braces"],
    [{ SESSION_SECURE_COOKIE: "yes" }, 'session: SESSION_SECURE_COOKIE must be "true" or "false"'],
    [{ SESSION_COOKIE_NAME: "__Host-x" }, "session: cookieName:"],
    [{ SESSION_SECRET_PREVIOUS: "tooshort" }, "(check config.previousSecrets or SESSION_SECRET_PREVIOUS)"],
  ])("rejects %o with a prefixed error", (env, message) => {
    expect(() => loadSessionConfig({}, { SESSION_SECRET: SECRET, ...env })).toThrow(message);
  });

  it("trusts no proxy by default: no IP header, one hop, no platform", () => {
    expect(loadSessionConfig({}, { SESSION_SECRET: SECRET }).trustedProxy).toEqual({
      platform: "none",
      ipHeader: undefined,
      proxyCount: 1,
    });
  });

  it("lets one platform setting imply the IP header that platform sets", () => {
    const on = (platform: string): unknown =>
      loadSessionConfig({}, { SESSION_SECRET: SECRET, SESSION_TRUSTED_PLATFORM: platform }).trustedProxy;
    expect(on("vercel")).toEqual({ platform: "vercel", ipHeader: "x-real-ip", proxyCount: 1 });
    expect(on("cloudflare")).toEqual({ platform: "cloudflare", ipHeader: "cf-connecting-ip", proxyCount: 1 });
    expect(on("none")).toEqual({ platform: "none", ipHeader: undefined, proxyCount: 1 });
  });

  it("lets SESSION_TRUSTED_IP_HEADER and SESSION_TRUSTED_PROXY_COUNT override the platform's default", () => {
    const config = loadSessionConfig(
      { trustedProxy: { platform: "vercel" } },
      {
        SESSION_SECRET: SECRET,
        SESSION_TRUSTED_IP_HEADER: " X-Forwarded-For ",
        SESSION_TRUSTED_PROXY_COUNT: "2",
      },
    );
    expect(config.trustedProxy).toEqual({ platform: "vercel", ipHeader: "x-forwarded-for", proxyCount: 2 });
    expect(
      loadSessionConfig({ trustedProxy: { ipHeader: "fly-client-ip" } }, { SESSION_SECRET: SECRET })
        .trustedProxy,
    ).toEqual({ platform: "none", ipHeader: "fly-client-ip", proxyCount: 1 });
  });

  it.each([
    [
      { SESSION_TRUSTED_PLATFORM: "heroku" },
      "session: trustedProxy.platform:",
      "(check config.trustedProxy.platform or SESSION_TRUSTED_PLATFORM)",
    ],
    [
      { SESSION_TRUSTED_IP_HEADER: "x-forwarded-for", SESSION_TRUSTED_PROXY_COUNT: "0" },
      "session: trustedProxy.proxyCount: must be 1 to 10",
      "(check config.trustedProxy.proxyCount or SESSION_TRUSTED_PROXY_COUNT)",
    ],
    [
      { SESSION_TRUSTED_IP_HEADER: "x-forwarded-for", SESSION_TRUSTED_PROXY_COUNT: "11" },
      "session: trustedProxy.proxyCount: must be 1 to 10",
      "SESSION_TRUSTED_PROXY_COUNT",
    ],
    [
      { SESSION_TRUSTED_PROXY_COUNT: "two" },
      "session: SESSION_TRUSTED_PROXY_COUNT must be a whole number",
      "SESSION_TRUSTED_PROXY_COUNT",
    ],
    [
      { SESSION_TRUSTED_IP_HEADER: "x forwarded for" },
      "session: trustedProxy.ipHeader:",
      "(check config.trustedProxy.ipHeader or SESSION_TRUSTED_IP_HEADER)",
    ],
    [
      { SESSION_TRUSTED_IP_HEADER: "x-real-ip", SESSION_TRUSTED_PROXY_COUNT: "2" },
      "session: trustedProxy.proxyCount: counts hops of x-forwarded-for or forwarded",
      "SESSION_TRUSTED_PROXY_COUNT",
    ],
    [
      { SESSION_TRUSTED_PLATFORM: "cloudflare", SESSION_TRUSTED_PROXY_COUNT: "2" },
      "session: trustedProxy.proxyCount: counts hops of x-forwarded-for or forwarded",
      "cf-connecting-ip is one value",
    ],
  ])("rejects the proxy settings %o with a prefixed error that names the fix", (env, message, fix) => {
    const load = (): unknown => loadSessionConfig({}, { SESSION_SECRET: SECRET, ...env });
    expect(load).toThrow(message);
    expect(load).toThrow(fix);
  });

  it("names both the config field and the environment variable to fix", () => {
    expect(() =>
      loadSessionConfig({}, { SESSION_SECRET: SECRET, SESSION_MAX_SESSIONS_PER_USER: "0" }),
    ).toThrow("(check config.maxSessionsPerUser or SESSION_MAX_SESSIONS_PER_USER)");
  });

  it("trusts no forwarded host header unless SESSION_TRUSTED_HOST_HEADER names one", () => {
    expect(loadSessionConfig({}, { SESSION_SECRET: SECRET }).trustedHostHeader).toBeUndefined();
    const named = loadSessionConfig(
      {},
      { SESSION_SECRET: SECRET, SESSION_TRUSTED_HOST_HEADER: "X-Forwarded-Host" },
    );
    expect(named.trustedHostHeader, "lower-cased").toBe("x-forwarded-host");
    expect(() =>
      loadSessionConfig(
        {},
        { SESSION_SECRET: SECRET, SESSION_TRUSTED_HOST_HEADER: "x-forwarded-host, host" },
      ),
    ).toThrow("(check config.trustedHostHeader or SESSION_TRUSTED_HOST_HEADER)");
  });
});
