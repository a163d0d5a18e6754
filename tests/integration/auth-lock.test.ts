/**
 * Disabling an account (lib/auth/lock.ts) raced against a sign-in with the right password, step by step: every
 * order of the sign-in's steps and the lock's leaves no live session. Then: a disabled account is refused with
 * its own reason, enabling it restores sign-in, and both show in the account's security activity.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { lockAccount, unlockAccount } from "@/lib/auth/lock";
import { hashPassword } from "@/lib/auth/password";
import { signInWithPassword, type SignInResult } from "@/lib/auth/sign-in";
import { createUser, getUserById } from "@/lib/auth/users";
import type { SessionKit } from "@/lib/session";
import { randomPrefix } from "../support/redis";
import { interleavings, stepper } from "../support/stepper";
import { device, testKit } from "./session-fixtures";

const PASSWORD = "the right password, long enough";
let hash = "";

beforeAll(async () => {
  vi.stubEnv("AUTH_KEY_PREFIX", randomPrefix("auth-lock"));
  vi.stubEnv("AUTH_LOGIN_LIMIT_PER_ACCOUNT", "1000");
  vi.stubEnv("AUTH_LOGIN_LIMIT_PER_IP_PER_MINUTE", "1000");
  hash = await hashPassword(PASSWORD);
});

afterAll(() => {
  vi.unstubAllEnvs();
});

let accounts = 0;
async function newAccount(): Promise<{ userId: string; email: string }> {
  accounts += 1;
  const email = `locked-${accounts}-${Date.now()}@example.test`;
  const created = await createUser({ email, passwordHash: hash });
  if (!created.ok) throw new Error(`test setup: createUser ${created.reason}`);
  return { userId: created.user.id, email };
}

function signIn(
  kit: SessionKit,
  email: string,
  pause?: (step: string) => Promise<void>,
): Promise<SignInResult> {
  const input = { email, password: PASSWORD, device: device(), remember: false, sessionCookie: undefined };
  return signInWithPassword(kit, { ...input, deviceCookie: undefined }, pause);
}

describe("disabling an account", () => {
  // A sign-in pauses after its version read, user read and password check (4 segments); the lock after its flag.
  it.each(interleavings(4, 2, "L"))(
    "leaves no session of a sign-in in flight, in order %s",
    async (order) => {
      const { kit } = testKit();
      const { userId, email } = await newAccount();
      const signInFlow = stepper((pause) => signIn(kit, email, pause));
      const lockFlow = stepper((pause) => lockAccount(kit, userId, pause));
      for (const flow of order) await (flow === "S" ? signInFlow : lockFlow).step();

      const locked = await lockFlow.result();
      expect(locked.ok, `the lock itself succeeds (${JSON.stringify(locked)})`).toBe(true);
      const signedIn = await signInFlow.result();
      const listed = await kit.listUserSessions(userId);
      expect(listed.ok && listed.sessions, "no session of the disabled account is live").toEqual([]);
      if (signedIn.ok) {
        const cookie = signedIn.cookies[0]?.value;
        expect(await kit.validateSessionToken(cookie)).toEqual({ ok: false, reason: "account_locked" });
      } else {
        expect(["locked", "stale_credentials"]).toContain(signedIn.reason);
      }
    },
  );

  it("refuses sign-in with its own reason, ends every session, and enabling it restores sign-in", async () => {
    const { kit } = testKit({}, { activity: true });
    const { userId, email } = await newAccount();
    const first = await signIn(kit, email);
    const second = await signIn(kit, email);
    if (!first.ok || !second.ok) throw new Error("test setup: sign-in failed");

    expect(await lockAccount(kit, userId)).toEqual({ ok: true, updated: true, revoked: 2 });
    const user = await getUserById(userId);
    expect(user.ok && user.user?.locked).toBe(true);
    for (const result of [first, second]) {
      expect(await kit.validateSessionToken(result.cookies[0]?.value)).toEqual({
        ok: false,
        reason: "account_locked",
      });
    }
    expect(await signIn(kit, email)).toEqual({ ok: false, reason: "locked" });

    expect(await unlockAccount(kit, userId)).toEqual({ ok: true, updated: true });
    const again = await signIn(kit, email);
    expect(again.ok, "an enabled account signs in again").toBe(true);
    const activity = await kit.listUserSessions(userId, { activityLimit: 5 });
    // A third sign-in without the account's device cookie counts as a new device.
    expect(activity.ok && activity.activity?.map((entry) => entry.type)).toEqual([
      "sign_in_new_device",
      "account_enabled",
      "account_disabled",
      "account_locked",
      "account_locked",
    ]);
  });

  it("does nothing to an account that does not exist", async () => {
    const { kit } = testKit();
    expect(await lockAccount(kit, "00000000-0000-4000-8000-000000000000")).toEqual({
      ok: true,
      updated: false,
      revoked: 0,
    });
  });
});
