/**
 * The promises of a password change, raced the way an attacker would race them, against real Redis: the app's
 * sign-in and password-change flows (lib/auth/sign-in.ts, change-password.ts) with the kit's credential version.
 * Interleavings are driven step by step (each flow is paused at its named steps and advanced by the test), never
 * by sleeps racing sleeps.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { changePassword, type ChangePasswordResult } from "@/lib/auth/change-password";
import { deviceCookie, deviceCookieName } from "@/lib/auth/device-cookie";
import { hashPassword } from "@/lib/auth/password";
import { signInWithPassword, type SignInResult } from "@/lib/auth/sign-in";
import { createUser } from "@/lib/auth/users";
import type { DeviceInfo, Session, SessionCookie, SessionKit } from "@/lib/session";
import { randomPrefix } from "../support/redis";
import { interleavings, stepper } from "../support/stepper";
import { testKit } from "./session-fixtures";

const OLD_PASSWORD = "old password, long enough";
const NEW_PASSWORD = "new password, long enough";
const ACCOUNT_LIMIT = 3;

let oldHash = "";

beforeAll(async () => {
  vi.stubEnv("AUTH_KEY_PREFIX", randomPrefix("auth-cred"));
  vi.stubEnv("AUTH_LOGIN_LIMIT_PER_ACCOUNT", String(ACCOUNT_LIMIT));
  oldHash = await hashPassword(OLD_PASSWORD);
});

afterAll(() => {
  vi.unstubAllEnvs();
});

const firefox: DeviceInfo = {
  userAgent: "Mozilla/5.0 (X11; Linux) Firefox/140",
  browser: "Firefox",
  os: "Linux",
};

let accounts = 0;
async function newAccount(): Promise<{ userId: string; email: string }> {
  accounts += 1;
  const email = `owner-${accounts}-${Date.now()}@example.test`;
  const created = await createUser({ email, passwordHash: oldHash });
  if (!created.ok) throw new Error(`test setup: createUser ${created.reason}`);
  return { userId: created.user.id, email };
}

function signIn(
  kit: SessionKit,
  email: string,
  options: { password?: string; deviceCookie?: string; device?: DeviceInfo } = {},
  pause?: (step: string) => Promise<void>,
): Promise<SignInResult> {
  return signInWithPassword(
    kit,
    {
      email,
      password: options.password ?? OLD_PASSWORD,
      device: options.device ?? firefox,
      remember: false,
      sessionCookie: undefined,
      deviceCookie: options.deviceCookie,
    },
    pause,
  );
}

async function ownerSession(
  kit: SessionKit,
  userId: string,
): Promise<{ session: Session; cookie: string; sessionCookie: SessionCookie }> {
  const created = await kit.createSession({ userId, device: firefox });
  if (!created.ok) throw new Error(`test setup: createSession ${created.reason}`);
  return { session: created.session, cookie: created.cookie.value, sessionCookie: created.cookie };
}

function change(
  kit: SessionKit,
  owner: { session: Session; cookie: string },
  pause?: (step: string) => Promise<void>,
  deviceCookie?: string,
): Promise<ChangePasswordResult> {
  return changePassword(
    kit,
    {
      session: owner.session,
      currentPassword: OLD_PASSWORD,
      newPassword: NEW_PASSWORD,
      device: firefox,
      sessionCookie: owner.cookie,
      deviceCookie,
    },
    pause,
  );
}

async function liveSessionIds(kit: SessionKit, userId: string): Promise<string[]> {
  const listed = await kit.listUserSessions(userId);
  if (!listed.ok) throw new Error("test: list unavailable");
  return listed.sessions.map((session) => session.id);
}

/** The device cookie among the cookies a flow returned. */
function deviceCookieOf(kit: SessionKit, cookies: SessionCookie[]): string {
  const found = cookies.find((cookie) => cookie.name === deviceCookieName(kit.config.cookieName));
  if (found === undefined) throw new Error("test: no device cookie returned");
  return found.value;
}

describe("a sign-in with the old password racing a password change", () => {
  it.each(interleavings(4, 2))("leaves no session from the old password in order %s", async (order) => {
    const { kit } = testKit({}, { activity: true });
    const { userId, email } = await newAccount();
    const owner = await ownerSession(kit, userId);
    const signInFlow = stepper((pause) => signIn(kit, email, {}, pause));
    const changeFlow = stepper((pause) => change(kit, owner, pause));
    for (const flow of order) await (flow === "S" ? signInFlow : changeFlow).step();

    const changed = await changeFlow.result();
    expect(changed.ok, `the change itself succeeds (${JSON.stringify(changed)})`).toBe(true);
    const signedIn = await signInFlow.result();
    const live = await liveSessionIds(kit, userId);
    expect(live, "only the session the change made for its own browser is live").toHaveLength(1);
    if (signedIn.ok) {
      expect(live, "the old password's session was signed out by the change").not.toContain(
        signedIn.session.id,
      );
    } else {
      expect(["stale_credentials", "incorrect"]).toContain(signedIn.reason);
    }
  });

  it("refuses with stale_credentials when the change lands between the password check and the create", async () => {
    const { kit } = testKit();
    const { userId, email } = await newAccount();
    const owner = await ownerSession(kit, userId);
    const signInFlow = stepper((pause) => signIn(kit, email, {}, pause));
    for (let i = 0; i < 3; i += 1) await signInFlow.step(); // parked after the password check
    expect((await change(kit, owner)).ok).toBe(true);
    await signInFlow.step();
    expect(await signInFlow.result()).toEqual({ ok: false, reason: "stale_credentials" });
  });

  it(
    "leaves none of 24 in-flight sign-ins alive when the password changes in their midst",
    { timeout: 60_000 },
    async () => {
      const { kit } = testKit();
      const { userId, email } = await newAccount();
      const owner = await ownerSession(kit, userId);
      // Each from a known browser of the account (its own window), so the account's window does not refuse them.
      const known = await Promise.all(
        Array.from({ length: 24 }, async () => {
          const issued = await deviceCookie(kit, owner.sessionCookie, email, undefined, "0");
          return issued.value;
        }),
      );
      const flows = known.map((value) =>
        stepper((pause) => signIn(kit, email, { deviceCookie: value }, pause)),
      );
      // A third parked at each pause: after the version read, after the hash read, after the password check.
      await Promise.all(
        flows.map(async (flow, i) => {
          for (let step = 0; step <= i % 3; step += 1) await flow.step();
        }),
      );
      const changed = await change(kit, owner);
      expect(changed.ok).toBe(true);
      const results = await Promise.all(flows.map((flow) => flow.finish()));

      const survivors = results.filter((result) => result.ok);
      expect(survivors, "no sign-in with the old password got a session").toEqual([]);
      expect(new Set(results.map((result) => (result.ok ? "ok" : result.reason)))).toEqual(
        new Set(["incorrect", "stale_credentials"]),
      );
      expect(await liveSessionIds(kit, userId)).toHaveLength(1);
    },
  );

  it("still signs in with the new password afterwards", async () => {
    const { kit } = testKit();
    const { userId, email } = await newAccount();
    expect((await change(kit, await ownerSession(kit, userId))).ok).toBe(true);
    const signedIn = await signIn(kit, email, { password: NEW_PASSWORD });
    expect(signedIn.ok, JSON.stringify(signedIn)).toBe(true);
  });
});

describe("throttling never turned against the owner", () => {
  it("lets the signed-in owner change the password while a stranger has closed the account's window", async () => {
    const { kit } = testKit();
    const { userId, email } = await newAccount();
    const owner = await ownerSession(kit, userId);
    for (let i = 0; i < ACCOUNT_LIMIT; i += 1) {
      expect((await signIn(kit, email, { password: "a stranger's guess" })).ok).toBe(false);
    }
    const stranger = await signIn(kit, email, { password: "a stranger's guess" });
    expect(stranger, "the account's anonymous window is closed").toMatchObject({ reason: "throttled" });

    const changed = await change(kit, owner);
    expect(changed, "the owner's change is throttled by the owner's own session only").toMatchObject({
      ok: true,
    });
  });

  it("stops counting a browser as known once the password it signed in with was changed", async () => {
    const { kit } = testKit();
    const { userId, email } = await newAccount();
    const owner = await ownerSession(kit, userId);
    const attacker = await signIn(kit, email);
    if (!attacker.ok) throw new Error(`attacker sign-in: ${attacker.reason}`);
    const attackerDevice = deviceCookieOf(kit, attacker.cookies);

    const changed = await change(kit, owner);
    if (!changed.ok) throw new Error(`change: ${changed.reason}`);
    const ownerDevice = deviceCookieOf(kit, changed.cookies);
    for (let i = 0; i < ACCOUNT_LIMIT; i += 1) await signIn(kit, email, { password: "a stranger's guess" });

    const retry = await signIn(kit, email, { deviceCookie: attackerDevice });
    expect(retry, "the attacker's browser now waits in the account's closed window").toMatchObject({
      reason: "throttled",
    });
    const back = await signIn(kit, email, { password: NEW_PASSWORD, deviceCookie: ownerDevice });
    expect(back.ok, `the owner's browser is still known (${JSON.stringify(back)})`).toBe(true);
  });
});

describe("new-device notices", () => {
  it("treat a browser that copies the owner's user agent, without the device cookie, as a new device", async () => {
    const { kit } = testKit({}, { activity: true });
    const { email } = await newAccount();
    const first = await signIn(kit, email);
    if (!first.ok) throw new Error(`first sign-in: ${first.reason}`);
    expect(first.newDevice, "a first sign-in is not a new device").toBe(false);
    const again = await signIn(kit, email, { deviceCookie: deviceCookieOf(kit, first.cookies) });
    expect(again.ok && again.newDevice, "the owner's own browser is known by its device cookie").toBe(false);

    const copycat = await signIn(kit, email, { device: { ...firefox } });
    expect(copycat.ok, JSON.stringify(copycat)).toBe(true);
    expect(copycat.ok && copycat.newDevice, "same browser family and OS, no device cookie: new").toBe(true);
  });
});
