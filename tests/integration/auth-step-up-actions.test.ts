/**
 * Step-up is enforced inside each server action, not only by the dialog: the real actions of the devices and
 * account pages, called as a hand-made request would call them (next/headers faked, Redis real), with a session
 * whose sudo window has run out or that never had one.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionKit } from "@/lib/session";
import type * as AccountActions from "@/app/(account)/account/actions";
import type * as EmailActions from "@/app/(account)/account/email-actions";
import type * as Devices from "@/app/(account)/devices/actions";
import type * as StepUpActions from "@/app/(account)/step-up-actions";
import type { FormState } from "@/app/form-state";
import type * as RateLimit from "@/lib/auth/rate-limit";
import { randomPrefix, testRedis } from "@/tests/support/redis";

const request = { cookies: new Map<string, string>(), headers: new Headers() };

vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) =>
      request.cookies.has(name) ? { name, value: request.cookies.get(name) } : undefined,
    set: (name: string, value: string) => void request.cookies.set(name, value),
    delete: (name: string) => void request.cookies.delete(name),
  }),
  headers: async () => request.headers,
}));
vi.mock("next/navigation", () => ({
  redirect: (url: string) => {
    throw new Error(`test: redirect ${url}`);
  },
  notFound: () => {
    throw new Error("test: notFound");
  },
}));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
vi.mock("next/server", async (importOriginal) => ({
  ...(await importOriginal<object>()),
  after: (task: () => unknown) => void Promise.resolve().then(task),
  connection: async () => undefined,
}));

const PASSWORD = "the owner's password, long";
const ACCOUNT_LIMIT = 3;
const redis = testRedis({ deserialize: false });
let kit: SessionKit;
let devices: typeof Devices;
let account: typeof AccountActions;
let email: typeof EmailActions;
let stepUp: typeof StepUpActions;
let throttle: typeof RateLimit;
let passwordHash = "";
let sessionPrefix = "";
const IDLE: FormState<never> = { status: "idle" };

beforeAll(async () => {
  sessionPrefix = randomPrefix("stepup-sess");
  vi.stubEnv("SESSION_KEY_PREFIX", sessionPrefix);
  vi.stubEnv("AUTH_KEY_PREFIX", randomPrefix("stepup-auth"));
  vi.stubEnv("AUTH_LOGIN_LIMIT_PER_ACCOUNT", String(ACCOUNT_LIMIT));
  vi.stubEnv("SESSION_NOTIFIER", "none");
  vi.resetModules();
  kit = (await import("@/lib/session/next")).getSessionKit();
  devices = await import("@/app/(account)/devices/actions");
  account = await import("@/app/(account)/account/actions");
  email = await import("@/app/(account)/account/email-actions");
  stepUp = await import("@/app/(account)/step-up-actions");
  throttle = await import("@/lib/auth/rate-limit");
  passwordHash = await (await import("@/lib/auth/password")).hashPassword(PASSWORD);
});

afterAll(() => {
  vi.unstubAllEnvs();
});

beforeEach(() => {
  request.cookies.clear();
  request.headers = new Headers({ "user-agent": "Mozilla/5.0 (X11; Linux) Firefox/140" });
});

type Owner = { userId: string; email: string; here: string; there: { cookie: string; id: string } };

/** An account signed in on two devices; this request carries the first one's cookie. */
async function owner(): Promise<Owner> {
  const { createUser } = await import("@/lib/auth/users");
  const address = `owner-${Math.random().toString(36).slice(2)}@example.test`;
  const created = await createUser({ email: address, passwordHash });
  if (!created.ok) throw new Error(`test setup: ${created.reason}`);
  const signIn = async (userAgent: string): Promise<{ cookie: string; id: string }> => {
    const made = await kit.createSession({ userId: created.user.id, label: address, device: { userAgent } });
    if (!made.ok) throw new Error(`test setup: ${made.reason}`);
    return { cookie: made.cookie.value, id: made.session.id };
  };
  const here = await signIn("here");
  request.cookies.set(kit.config.cookieName, here.cookie);
  return { userId: created.user.id, email: address, here: here.cookie, there: await signIn("there") };
}

/** Moves this session's last authentication `seconds` into the past, as time would. */
async function age(userId: string, seconds: number, options: { drop?: boolean } = {}): Promise<void> {
  const index = `${sessionPrefix}{${encodeURIComponent(userId)}}:idx`;
  for (const hash of await redis.zrange<string[]>(index, 0, -1)) {
    const key = `${sessionPrefix}{${encodeURIComponent(userId)}}:s:${hash}`;
    const stored = await redis.get<string>(key);
    if (stored === null || stored.startsWith("!")) continue;
    const past = Date.now() - seconds * 1000;
    const aged = options.drop
      ? stored.replace(/\{"reauthAt":\d+,/, "{").replace(/"createdAt":\d+/, `"createdAt":${past}`)
      : stored.replace(/\{"reauthAt":\d+,/, `{"reauthAt":${past},`);
    await redis.set(key, aged, { keepTtl: true });
  }
}

function form(fields: Record<string, string> = {}): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}

async function thereIsLive(o: Owner): Promise<boolean> {
  return (await kit.validateSessionToken(o.there.cookie)).ok;
}

const ACTIONS = {
  "revoke one device": (o: Owner) => devices.revokeSessionAction(IDLE, form({ sessionId: o.there.id })),
  "sign out other devices": () => devices.revokeOtherSessionsAction(IDLE, form()),
  "sign out everywhere": () => devices.revokeUserSessionsAction(IDLE, form()),
} as const;

describe("step-up inside each server action", () => {
  for (const [name, run] of Object.entries(ACTIONS)) {
    for (const drop of [false, true]) {
      it(`${name}: refused with ${drop ? "no reauth time" : "an expired one"}, done after the password`, async () => {
        const o = await owner();
        await age(o.userId, 601, { drop });
        const refused = await run(o);
        expect(refused).toMatchObject({ status: "error", stepUp: true });
        expect(await thereIsLive(o), "nothing was signed out").toBe(true);

        const wrong = await stepUp.confirmPasswordAction(IDLE, form({ password: "not it" }));
        expect(wrong).toMatchObject({
          status: "error",
          fieldErrors: { password: "That password is incorrect" },
        });
        expect(await run(o), "a wrong password opens nothing").toMatchObject({ stepUp: true });

        expect(await stepUp.confirmPasswordAction(IDLE, form({ password: PASSWORD }))).toMatchObject({
          status: "success",
        });
        await run(o).catch((error: unknown) => {
          if (!String(error).includes("test: redirect /login?signed_out=everywhere")) throw error;
        });
        expect(await thereIsLive(o), "the action ran").toBe(false);
      });
    }
  }

  it("a fresh sign-in is inside the window: no password asked", async () => {
    const o = await owner();
    expect(await devices.revokeSessionAction(IDLE, form({ sessionId: o.there.id }))).toMatchObject({
      status: "success",
    });
  });

  it("change of email: refused without sudo mode, and nothing is requested", async () => {
    const o = await owner();
    await age(o.userId, 601);
    const to = `new-${Math.random().toString(36).slice(2)}@example.test`;
    expect(await email.requestEmailChangeAction(IDLE, form({ newEmail: to }))).toMatchObject({
      stepUp: true,
    });
    expect(
      await redis.hget(`${process.env.AUTH_KEY_PREFIX}user:${o.userId}`, "emailChange"),
      "no pending change",
    ).toBeNull();
    await stepUp.confirmPasswordAction(IDLE, form({ password: PASSWORD }));
    expect(await email.requestEmailChangeAction(IDLE, form({ newEmail: to }))).toMatchObject({
      status: "success",
    });
    expect(await redis.hget(`${process.env.AUTH_KEY_PREFIX}user:${o.userId}`, "emailChange")).not.toBeNull();
  });

  it("change of password: its current-password field is the confirmation, whatever the window says", async () => {
    const o = await owner();
    await age(o.userId, 3600);
    const fields = { newPassword: "a new password, long", confirmNewPassword: "a new password, long" };
    expect(
      await account.changePasswordAction(IDLE, form({ ...fields, currentPassword: "not it" })),
    ).toMatchObject({ status: "error", fieldErrors: { currentPassword: "Current password is incorrect" } });
    expect(await thereIsLive(o), "a wrong current password changes nothing").toBe(true);
    expect(
      await account.changePasswordAction(IDLE, form({ ...fields, currentPassword: PASSWORD })),
    ).toMatchObject({
      status: "success",
    });
    expect(await thereIsLive(o)).toBe(false);
  });

  it("password confirmation is throttled per session, never by the account's anonymous window", async () => {
    const o = await owner();
    await age(o.userId, 601);
    for (let i = 0; i < ACCOUNT_LIMIT + 2; i += 1) {
      await throttle.checkLoginThrottle({ ip: undefined, normalizedEmail: o.email });
    }
    const closed = await throttle.checkLoginThrottle({ ip: undefined, normalizedEmail: o.email });
    expect(closed.ok, "a stranger closed the account's sign-in window").toBe(false);
    expect(await stepUp.confirmPasswordAction(IDLE, form({ password: PASSWORD }))).toMatchObject({
      status: "success",
    });

    for (let i = 0; i < ACCOUNT_LIMIT - 1; i += 1)
      await stepUp.confirmPasswordAction(IDLE, form({ password: "x" }));
    const limited = await stepUp.confirmPasswordAction(IDLE, form({ password: PASSWORD }));
    expect(limited).toMatchObject({ status: "error" });
    expect(limited.status === "error" && limited.message).toMatch(/^Too many attempts/);

    request.cookies.set(kit.config.cookieName, o.there.cookie);
    expect(
      await stepUp.confirmPasswordAction(IDLE, form({ password: PASSWORD })),
      "the other device has a window of its own",
    ).toMatchObject({ status: "success" });
  });

  it("confirming on a revoked session does not bring it back", async () => {
    const o = await owner();
    await kit.revokeUserSessions(o.userId);
    await expect(stepUp.confirmPasswordAction(IDLE, form({ password: PASSWORD }))).rejects.toThrow(
      /test: redirect \/login/,
    );
    expect(await kit.validateSessionToken(o.here)).toEqual({ ok: false, reason: "revoked" });
  });
});
