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
      redis: { timeoutMs: 1000, retries: 1 },
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
        SESSION_KEY_PREFIX: "app:sess:",
      },
    );
    expect(config.idleTimeoutSeconds, "env wins over code").toBe(600);
    expect(config.maxSessionsPerUser, "code wins over defaults").toBe(5);
    expect(config.capPolicy).toBe("reject-new");
    expect(config.previousSecrets).toEqual(["p".repeat(32), "q".repeat(32)]);
    expect(config.rememberMe).toEqual({ idleTimeoutSeconds: 7 * 86_400, absoluteLifetimeSeconds: 1_209_600 });
    expect(config.redis).toEqual({ timeoutMs: 250, retries: 1 });
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
