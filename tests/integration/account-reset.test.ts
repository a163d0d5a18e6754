/**
 * Password reset against real Redis (lib/auth/password-reset.ts), tried the way an attacker would: replayed and
 * expired links, a reset racing a sign-in with the old password (every interleaving, driven step by step), a
 * stranger flooding the address or closing the account's sign-in window, an unregistered address.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { changePassword } from "@/lib/auth/change-password";
import { hashPassword } from "@/lib/auth/password";
import {
  completePasswordReset,
  requestPasswordReset,
  type CompleteResetResult,
} from "@/lib/auth/password-reset";
import { signInWithPassword, type SignInResult } from "@/lib/auth/sign-in";
import { createUser } from "@/lib/auth/users";
import type { SessionKit } from "@/lib/session";
import { randomPrefix } from "../support/redis";
import { interleavings, stepper } from "../support/stepper";
import { mailSpy, newEmail, tokenFrom, type MailSpy } from "./account-fixtures";
import { fakeClock, testKit, type FakeClock } from "./session-fixtures";

const OLD_PASSWORD = "old phrase, long enough 1";
const NEW_PASSWORD = "new phrase, long enough 2";
const ACCOUNT_LIMIT = 3;
const MAIL_LIMIT = 3;
let oldHash = "";

beforeAll(async () => {
  vi.stubEnv("AUTH_KEY_PREFIX", randomPrefix("acct-reset"));
  vi.stubEnv("AUTH_LOGIN_LIMIT_PER_ACCOUNT", String(ACCOUNT_LIMIT));
  vi.stubEnv("AUTH_MAIL_LIMIT_PER_ADDRESS", String(MAIL_LIMIT));
  vi.stubEnv("AUTH_RESET_LIMIT_PER_IP_PER_HOUR", "2");
  oldHash = await hashPassword(OLD_PASSWORD);
});

afterAll(() => {
  vi.unstubAllEnvs();
});

const device = { userAgent: "Mozilla/5.0 (X11; Linux) Firefox/140", browser: "Firefox", os: "Linux" };

async function newAccount(): Promise<{ userId: string; email: string }> {
  const email = newEmail();
  const created = await createUser({ email, passwordHash: oldHash });
  if (!created.ok) throw new Error(`test setup: createUser ${created.reason}`);
  return { userId: created.user.id, email };
}

function signIn(
  kit: SessionKit,
  email: string,
  password = OLD_PASSWORD,
  pause?: (step: string) => Promise<void>,
  deviceCookie?: string,
): Promise<SignInResult> {
  const input = {
    email,
    password,
    device,
    remember: false,
    sessionCookie: undefined,
    deviceCookie,
  };
  return signInWithPassword(kit, input, pause);
}

async function requestLink(
  kit: SessionKit,
  email: string,
  mail: MailSpy,
  clock?: FakeClock,
): Promise<string> {
  const asked = await requestPasswordReset(
    kit,
    { email, ip: undefined },
    { ...mail, origin: "", now: clock?.now },
  );
  expect(asked).toEqual({ ok: true });
  return tokenFrom(mail.mails, email, "reset_password");
}

function complete(
  kit: SessionKit,
  token: string,
  options: { password?: string; mail?: MailSpy; clock?: FakeClock } = {},
  pause?: (step: string) => Promise<void>,
): Promise<CompleteResetResult> {
  return completePasswordReset(
    kit,
    {
      token,
      newPassword: options.password ?? NEW_PASSWORD,
      device,
      sessionCookie: undefined,
      deviceCookie: undefined,
    },
    { ...(options.mail ?? mailSpy()), origin: "", now: options.clock?.now },
    pause,
  );
}

async function live(kit: SessionKit, userId: string): Promise<string[]> {
  const listed = await kit.listUserSessions(userId);
  if (!listed.ok) throw new Error("test: list unavailable");
  return listed.sessions.map((session) => session.id);
}

describe("requesting a reset", () => {
  it("answers a registered and an unregistered address alike, with one mail each", async () => {
    const { kit } = testKit();
    const { email } = await newAccount();
    const stranger = newEmail("nobody");
    const registered = mailSpy();
    const unregistered = mailSpy();
    const a = await requestPasswordReset(kit, { email, ip: undefined }, { ...registered, origin: "" });
    const b = await requestPasswordReset(
      kit,
      { email: stranger, ip: undefined },
      { ...unregistered, origin: "" },
    );
    expect(a).toEqual(b);
    expect([registered.sends(), unregistered.sends()]).toEqual([1, 1]);
    expect(registered.mails[0]).toMatchObject({ to: email, kind: "reset_password" });
    expect(unregistered.mails[0]).toMatchObject({ to: stranger, kind: "reset_no_account" });
  });

  it("is throttled per client IP, for any address", async () => {
    const { kit } = testKit();
    const ask = (email: string) =>
      requestPasswordReset(kit, { email, ip: "203.0.113.9" }, { ...mailSpy(), origin: "" });
    expect(await ask(newEmail())).toEqual({ ok: true });
    expect(await ask(newEmail())).toEqual({ ok: true });
    expect(await ask(newEmail())).toMatchObject({ ok: false, reason: "throttled" });
  });

  it("leaves the owner a working link whenever a stranger has closed the address's mail window", async () => {
    const { kit, clock } = testKit();
    const { email } = await newAccount();
    const owner = mailSpy();
    for (let i = 0; i < MAIL_LIMIT + 2; i += 1) {
      clock.advanceSeconds(60);
      expect(
        await requestPasswordReset(kit, { email, ip: undefined }, { ...owner, origin: "", now: clock.now }),
      ).toEqual({
        ok: true,
      });
    }
    expect(owner.sends(), "the flood reached the owner's mailbox, then stopped").toBe(MAIL_LIMIT);
    // The window (15 min) is shorter than a link's life (30 min): the newest link the flood sent still works.
    clock.advanceSeconds(14 * 60);
    const reset = await complete(kit, tokenFrom(owner.mails, email, "reset_password"), { clock });
    expect(reset.ok, JSON.stringify(reset)).toBe(true);
  });
});

describe("completing a reset", () => {
  it("ends every session with password_reset, signs this browser in, mails the owner, once", async () => {
    const { kit } = testKit();
    const { userId, email } = await newAccount();
    const phone = await signIn(kit, email);
    const laptop = await signIn(kit, email);
    if (!phone.ok || !laptop.ok) throw new Error("test setup: sign-in failed");
    const token = await requestLink(kit, email, mailSpy());

    const mail = mailSpy();
    const reset = await complete(kit, token, { mail });
    if (!reset.ok) throw new Error(`reset: ${reset.reason}`);
    for (const other of [phone, laptop]) {
      expect(await kit.validateSessionToken(other.cookies[0]?.value ?? "")).toEqual({
        ok: false,
        reason: "password_reset",
      });
    }
    const fresh = await kit.validateSessionToken(reset.cookies[0]?.value ?? "");
    expect(fresh.ok, "this browser is on a fresh session").toBe(true);
    expect(await live(kit, userId)).toHaveLength(1);
    expect(mail.mails.map((sent) => [sent.to, sent.subject])).toEqual([[email, "Your password was changed"]]);

    expect(await complete(kit, token), "single use").toEqual({ ok: false, reason: "invalid" });
    expect(await signIn(kit, email), "the old password is gone").toMatchObject({
      ok: false,
      reason: "incorrect",
    });
    // Three attempts have filled the account's window (limit 3): the browser that reset signs in again through
    // the device cookie the reset gave it.
    const again = await signIn(kit, email, NEW_PASSWORD, undefined, reset.cookies[1]?.value);
    expect(again.ok, JSON.stringify(again)).toBe(true);
  });

  it("refuses a link 30 minutes old (the clock is injected)", async () => {
    const { kit } = testKit();
    const clock = fakeClock();
    const { email } = await newAccount();
    const token = await requestLink(kit, email, mailSpy(), clock);
    clock.advanceSeconds(30 * 60);
    expect(await complete(kit, token, { clock })).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses a common password without using the link up", async () => {
    const { kit } = testKit();
    const { email } = await newAccount();
    const token = await requestLink(kit, email, mailSpy());
    expect(await complete(kit, token, { password: "password123" })).toMatchObject({
      ok: false,
      reason: "weak_password",
      message: expect.stringMatching(/too common/),
    });
    expect((await complete(kit, token)).ok, "the link still works").toBe(true);
  });

  it("voids every link sent before the password changed", async () => {
    const { kit } = testKit();
    const { userId, email } = await newAccount();
    const mail = mailSpy();
    const first = await requestLink(kit, email, mail);
    const second = await requestLink(kit, email, mail);
    expect((await complete(kit, second)).ok).toBe(true);
    expect(await complete(kit, first, { password: "third phrase, long enough 3" })).toEqual({
      ok: false,
      reason: "invalid",
    });
    const owner = await kit.createSession({ userId, device });
    if (!owner.ok) throw new Error("test setup");
    const third = await requestLink(kit, email, mail);
    const changed = await changePassword(kit, {
      session: owner.session,
      currentPassword: NEW_PASSWORD,
      newPassword: "fourth phrase, long enough 4",
      device,
      sessionCookie: owner.cookie.value,
      deviceCookie: undefined,
    });
    expect(changed.ok).toBe(true);
    expect(await complete(kit, third)).toEqual({ ok: false, reason: "invalid" });
  });

  it("works while strangers have closed the account's sign-in window", async () => {
    const { kit } = testKit();
    const { userId, email } = await newAccount();
    for (let i = 0; i <= ACCOUNT_LIMIT; i += 1) await signIn(kit, email, "a stranger's guess 123");
    expect(await signIn(kit, email), "even the right password waits").toMatchObject({ reason: "throttled" });
    const reset = await complete(kit, await requestLink(kit, email, mailSpy()));
    expect(reset.ok, JSON.stringify(reset)).toBe(true);
    expect(await live(kit, userId)).toHaveLength(1);
  });
});

describe("changing the password from a session", () => {
  it("refuses a common new password with the message, before any other work", async () => {
    const { kit } = testKit();
    const { userId, email } = await newAccount();
    const owner = await kit.createSession({ userId, device, label: email });
    if (!owner.ok) throw new Error("test setup");
    const changed = await changePassword(kit, {
      session: owner.session,
      currentPassword: "not even checked",
      newPassword: "iloveyou12",
      device,
      sessionCookie: owner.cookie.value,
      deviceCookie: undefined,
    });
    expect(changed).toMatchObject({
      ok: false,
      reason: "weak_password",
      message: expect.stringMatching(/too common/),
    });
    expect(await kit.readCredentialVersion(userId), "nothing changed").toEqual({ ok: true, version: "0" });
  });
});

describe("a sign-in with the old password racing a reset", () => {
  it.each(interleavings(4, 2))("leaves no session from the old password in order %s", async (order) => {
    const { kit } = testKit({}, { activity: true });
    const { userId, email } = await newAccount();
    const token = await requestLink(kit, email, mailSpy());
    const signInFlow = stepper((pause) => signIn(kit, email, OLD_PASSWORD, pause));
    const resetFlow = stepper((pause) => complete(kit, token, {}, pause));
    for (const flow of order) await (flow === "S" ? signInFlow : resetFlow).step();

    const reset = await resetFlow.result();
    expect(reset.ok, `the reset itself succeeds (${JSON.stringify(reset)})`).toBe(true);
    const signedIn = await signInFlow.result();
    const sessions = await live(kit, userId);
    expect(sessions, "only the reset's own session is live").toHaveLength(1);
    if (signedIn.ok) {
      expect(sessions).not.toContain(signedIn.session.id);
      expect(await kit.validateSessionToken(signedIn.cookies[0]?.value ?? "")).toEqual({
        ok: false,
        reason: "password_reset",
      });
    } else {
      expect(["stale_credentials", "incorrect"]).toContain(signedIn.reason);
    }
  });
});
