/**
 * Verified sign-up against real Redis (lib/auth/sign-up.ts, verify-email.ts, sign-in.ts), tried the way an
 * enumerating stranger would: the answer and the work (hashes, mails) for a registered address equal those for a
 * new one; links are single-use, expire, are stored only as a hash; mail windows never lock the owner out.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { issueAccountToken } from "@/lib/auth/account-tokens";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { signUp } from "@/lib/auth/sign-up";
import { createUser, findUserByEmail } from "@/lib/auth/users";
import { verifyEmail } from "@/lib/auth/verify-email";
import { randomPrefix, testRedis } from "../support/redis";
import { hashSpy, mailSpy, newEmail, tokenFrom } from "./account-fixtures";
import { fakeClock, testKit } from "./session-fixtures";

const PASSWORD = "velvet otter lantern 42";
const MAIL_LIMIT = 3;
let prefix = "";

beforeAll(() => {
  prefix = randomPrefix("acct-signup");
  vi.stubEnv("AUTH_KEY_PREFIX", prefix);
  vi.stubEnv("AUTH_MAIL_LIMIT_PER_ADDRESS", String(MAIL_LIMIT));
  vi.stubEnv("AUTH_SIGNUP_LIMIT_PER_IP_PER_HOUR", "1000");
});

afterAll(() => {
  vi.unstubAllEnvs();
});

const device = { userAgent: "Mozilla/5.0 (X11; Linux) Firefox/140", browser: "Firefox", os: "Linux" };

function signInAs(email: string, password = PASSWORD): ReturnType<typeof signInWithPassword> {
  const { kit } = testKit();
  return signInWithPassword(kit, {
    email,
    password,
    device,
    remember: false,
    sessionCookie: undefined,
    deviceCookie: undefined,
  });
}

describe("sign-up never tells whether an address is registered", () => {
  it("answers a registered and a new address alike, with one hash and one mail each", async () => {
    const registered = newEmail("registered");
    const first = mailSpy();
    expect(
      await signUp({ email: registered, password: PASSWORD, ip: "198.51.100.1" }, { ...first, origin: "" }),
    ).toEqual({
      ok: true,
    });

    const work = async (email: string) => {
      const mail = mailSpy();
      const hash = hashSpy({ fast: true });
      const answer = await signUp(
        { email, password: "another phrase entirely 77", ip: "198.51.100.2" },
        { ...mail, origin: "", hash: hash.hash },
      );
      return { answer, hashes: hash.calls(), sends: mail.sends(), mails: mail.mails };
    };
    const again = await work(registered.toUpperCase());
    const fresh = await work(newEmail("fresh"));

    expect(again.answer, "the same answer").toEqual(fresh.answer);
    expect(again.answer).toEqual({ ok: true });
    expect({ hashes: again.hashes, sends: again.sends }, "the same work").toEqual({
      hashes: fresh.hashes,
      sends: fresh.sends,
    });
    expect(again.hashes).toBe(1);
    expect(again.sends).toBe(1);
    // What differs goes only to the address's owner.
    expect(again.mails[0]).toMatchObject({ to: registered, kind: "signup_existing" });
    expect(again.mails[0]?.subject).toBe("Someone tried to create an account with your email");
    expect(again.mails[0]?.text).toMatch(/sign in .*reset your password/s);
    expect(fresh.mails[0]).toMatchObject({ kind: "verify_email" });

    const owner = await findUserByEmail(registered);
    expect(owner.ok && owner.user !== null, "the second sign-up kept the first account").toBe(true);
    const oldPassword = await signInAs(registered);
    expect(oldPassword, "its password did not change").toMatchObject({ ok: false, reason: "unverified" });
  });

  it("answers a weak password alike for either address, before any work", async () => {
    const registered = newEmail("weak-registered");
    await signUp({ email: registered, password: PASSWORD, ip: undefined }, { ...mailSpy(), origin: "" });
    for (const email of [registered, newEmail("weak-fresh")]) {
      const mail = mailSpy();
      const hash = hashSpy();
      const answer = await signUp(
        { email, password: "password123", ip: undefined },
        { ...mail, origin: "", hash: hash.hash },
      );
      expect(answer).toMatchObject({ ok: false, reason: "weak_password" });
      expect([hash.calls(), mail.sends()]).toEqual([0, 0]);
    }
  });
});

describe("verification links", () => {
  it("let the account sign in only once opened, and only once", async () => {
    const email = newEmail();
    const mail = mailSpy();
    await signUp({ email, password: PASSWORD, ip: undefined }, { ...mail, origin: "https://app.test" });
    const token = tokenFrom(mail.mails, email, "verify_email");
    expect(mail.mails[0]?.link).toBe(`https://app.test/verify-email?token=${token}`);

    expect(await signInAs(email, "a wrong guess 12345"), "a stranger learns nothing").toMatchObject({
      ok: false,
      reason: "incorrect",
    });
    expect(await signInAs(email)).toMatchObject({ ok: false, reason: "unverified", email });

    expect(await verifyEmail(token)).toEqual({ ok: true });
    expect(await verifyEmail(token), "single use").toEqual({ ok: false, reason: "invalid" });
    expect((await signInAs(email)).ok).toBe(true);
  });

  it("expire after 24 hours (the clock is injected)", async () => {
    const email = newEmail();
    const mail = mailSpy();
    const clock = fakeClock();
    await signUp({ email, password: PASSWORD, ip: undefined }, { ...mail, origin: "", now: clock.now });
    const token = tokenFrom(mail.mails, email, "verify_email");
    clock.advanceSeconds(24 * 3600 - 1);
    const other = await findUserByEmail(email);
    if (!other.ok || other.user === null) throw new Error("test: no user");
    const second = await issueAccountToken("verify", other.user.id, { now: clock.now });
    if (!second.ok) throw new Error("test: issue failed");
    clock.advanceSeconds(1);
    expect(await verifyEmail(token, clock.now), "exactly 24 h later").toEqual({
      ok: false,
      reason: "expired",
    });
    expect(await verifyEmail(second.token, clock.now), "a link 1 s old still works").toEqual({ ok: true });
  });

  it("are stored only as their SHA-256", async () => {
    const email = newEmail();
    const mail = mailSpy();
    await signUp({ email, password: PASSWORD, ip: undefined }, { ...mail, origin: "" });
    const token = tokenFrom(mail.mails, email, "verify_email");
    const redis = testRedis();
    const keys = await redis.keys(`${prefix}token:*`);
    const digest = createHash("sha256").update(token).digest("hex");
    expect(keys).toContain(`${prefix}token:verify:${digest}`);
    for (const key of keys) {
      expect(key).not.toContain(token);
      expect(JSON.stringify(await redis.get(key))).not.toContain(token);
    }
  });

  it("is not required with AUTH_REQUIRE_EMAIL_VERIFICATION=false", async () => {
    vi.stubEnv("AUTH_REQUIRE_EMAIL_VERIFICATION", "false");
    vi.resetModules();
    try {
      const fresh = await import("@/lib/auth/sign-up");
      const freshSignIn = await import("@/lib/auth/sign-in");
      const email = newEmail("no-verify");
      await fresh.signUp({ email, password: PASSWORD, ip: undefined }, { ...mailSpy(), origin: "" });
      const signedIn = await freshSignIn.signInWithPassword(testKit().kit, {
        email,
        password: PASSWORD,
        device,
        remember: false,
        sessionCookie: undefined,
        deviceCookie: undefined,
      });
      expect(signedIn.ok, JSON.stringify(signedIn)).toBe(true);
    } finally {
      vi.stubEnv("AUTH_REQUIRE_EMAIL_VERIFICATION", "true");
      vi.resetModules();
    }
  });
});

describe("per-address mail windows", () => {
  it("stop mailing an address after the limit, answering the same, for registered and new addresses alike", async () => {
    for (const registered of [true, false]) {
      const email = newEmail(registered ? "flood-registered" : "flood-fresh");
      const mail = mailSpy();
      const hash = hashSpy({ fast: true });
      const deps = { ...mail, origin: "", hash: hash.hash };
      if (registered) await createUser({ email, passwordHash: "scrypt$not-used" });
      const answers = [];
      for (let i = 0; i < MAIL_LIMIT + 1; i += 1) {
        answers.push(await signUp({ email, password: "flood phrase number 9", ip: undefined }, deps));
      }
      expect(answers, "every answer is the same").toEqual(answers.map(() => ({ ok: true })));
      expect(mail.sends(), `${MAIL_LIMIT} mails to the address, then none`).toBe(MAIL_LIMIT);
      expect(hash.calls(), "the hash is computed even when nothing is sent").toBe(MAIL_LIMIT + 1);
    }
  });
});
