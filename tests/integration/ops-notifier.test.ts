import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Session } from "@/lib/session";
import type * as Notifier from "@/lib/ops/notifier";
import type * as NotifierChoice from "@/lib/ops/notifier-choice";
import { readOutbox } from "@/lib/session/notify";
import { randomPrefix, testRedis } from "@/tests/support/redis";

// The outbox page's 404: notFound() throws a marker the test can recognise.
vi.mock("next/navigation", () => ({
  notFound: () => {
    throw new Error("test: notFound");
  },
  redirect: (url: string) => {
    throw new Error(`test: redirect ${url}`);
  },
}));

const redis = testRedis();
let prefix: string;
let output: string[];

/** Everything the process prints while a test runs: console and raw stdout/stderr. */
function captureOutput(): void {
  output = [];
  const keep = (...args: unknown[]): void => void output.push(args.map(String).join(" "));
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation(keep);
  }
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (keep(chunk), true));
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (keep(chunk), true));
}

/** A fresh copy of the notifier module (and the kit it uses) under `env`: module state starts over. */
async function loadNotifier(
  env: Record<string, string | undefined>,
): Promise<typeof Notifier & typeof NotifierChoice> {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.resetModules();
  return { ...(await import("@/lib/ops/notifier")), ...(await import("@/lib/ops/notifier-choice")) };
}

async function newSession(userId: string): Promise<Session> {
  const { getSessionKit } = await import("@/lib/session/next");
  const created = await getSessionKit().createSession({ userId, device: { userAgent: "UA" } });
  if (!created.ok) throw new Error(created.reason);
  return created.session;
}

beforeEach(() => {
  prefix = randomPrefix("notifier");
  vi.stubEnv("SESSION_KEY_PREFIX", prefix);
  captureOutput();
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe("the app's new-device notifier", () => {
  it("in development (no SESSION_NOTIFIER) a notice with its link lands in the dev outbox", async () => {
    const notifier = await loadNotifier({ NODE_ENV: "development", SESSION_NOTIFIER: undefined });
    const session = await newSession("notifier-dev");
    await notifier.notifyNewDeviceSignIn(session, "https://app.example");
    const outbox = await readOutbox(redis, prefix, "notifier-dev");
    expect(outbox.map((notice) => notice.sessionId)).toEqual([session.id]);
    expect(outbox[0]?.reportUrl).toMatch(/^https:\/\/app\.example\/not-me\?token=/);
  });

  it("in production without SESSION_NOTIFIER no link is stored or printed, and a warning says how to configure one", async () => {
    const notifier = await loadNotifier({ NODE_ENV: "production", SESSION_NOTIFIER: undefined });
    const session = await newSession("notifier-prod");
    await notifier.notifyNewDeviceSignIn(session, "https://app.example");
    expect(await readOutbox(redis, prefix, "notifier-prod"), "no link stored in Redis").toEqual([]);
    const printed = output.join("\n");
    expect(printed, "no link printed").not.toMatch(/not-me|token=/);
    expect(printed, "an actionable warning").toMatch(/SESSION_NOTIFIER/);
    expect(printed).toMatch(/Notifier/);
  });

  it("warns once per process in production, not at every sign-in", async () => {
    const notifier = await loadNotifier({ NODE_ENV: "production", SESSION_NOTIFIER: undefined });
    for (const user of ["notifier-once-1", "notifier-once-2", "notifier-once-3"]) {
      await notifier.notifyNewDeviceSignIn(await newSession(user), "");
    }
    notifier.warnAboutNotifier();
    expect(output.filter((line) => line.includes("SESSION_NOTIFIER"))).toHaveLength(1);
  });

  it("warns at server start (instrumentation.ts), and not again at the first sign-in", async () => {
    const notifier = await loadNotifier({
      NODE_ENV: "production",
      NEXT_RUNTIME: "nodejs",
      SESSION_NOTIFIER: undefined,
    });
    const { register } = await import("@/instrumentation");
    await register();
    expect(
      output.filter((line) => line.includes("SESSION_NOTIFIER")),
      "warned at start",
    ).toHaveLength(1);
    await notifier.notifyNewDeviceSignIn(await newSession("notifier-start"), "");
    expect(output.filter((line) => line.includes("SESSION_NOTIFIER"))).toHaveLength(1);
  });

  it("in production, SESSION_NOTIFIER=outbox (the e2e stack's explicit opt-in) keeps the outbox", async () => {
    const notifier = await loadNotifier({ NODE_ENV: "production", SESSION_NOTIFIER: "outbox" });
    const session = await newSession("notifier-optin");
    await notifier.notifyNewDeviceSignIn(session, "");
    expect((await readOutbox(redis, prefix, "notifier-optin")).map((n) => n.sessionId)).toEqual([session.id]);
  });

  it("chooses per environment, and refuses an unknown SESSION_NOTIFIER with the fix", async () => {
    const { notifierChoice } = await loadNotifier({});
    expect(notifierChoice({ NODE_ENV: "development" })).toBe("outbox");
    expect(notifierChoice({ NODE_ENV: "test" })).toBe("outbox");
    expect(notifierChoice({ NODE_ENV: "production" })).toBe("none");
    expect(notifierChoice({ NODE_ENV: "production", SESSION_NOTIFIER: "outbox" })).toBe("outbox");
    expect(notifierChoice({ NODE_ENV: "production", SESSION_NOTIFIER: "console" })).toBe("console");
    expect(notifierChoice({ NODE_ENV: "development", SESSION_NOTIFIER: "none" })).toBe("none");
    expect(() => notifierChoice({ NODE_ENV: "production", SESSION_NOTIFIER: "email" })).toThrow(
      /^ops: SESSION_NOTIFIER must be one of outbox, console, none/,
    );
  });
});

describe("the dev outbox page", () => {
  async function renderOutbox(env: Record<string, string | undefined>): Promise<string> {
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    vi.resetModules();
    const page = await import("@/app/(account)/outbox/page");
    try {
      await page.default();
      return "rendered";
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  it("is not found in production unless SESSION_NOTIFIER=outbox opts in", async () => {
    expect(await renderOutbox({ NODE_ENV: "production", SESSION_NOTIFIER: undefined })).toBe(
      "test: notFound",
    );
    expect(await renderOutbox({ NODE_ENV: "production", SESSION_NOTIFIER: "console" })).toBe(
      "test: notFound",
    );
    expect(await renderOutbox({ NODE_ENV: "production", SESSION_NOTIFIER: "outbox" })).not.toBe(
      "test: notFound",
    );
    expect(await renderOutbox({ NODE_ENV: "development", SESSION_NOTIFIER: undefined })).not.toBe(
      "test: notFound",
    );
  });
});
