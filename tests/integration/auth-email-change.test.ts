/**
 * Change of email against real Redis, the way an attacker would try it: replayed and expired links, two accounts
 * claiming one address at once, "this wasn't me" racing the confirmation. lib/auth/email-change.ts.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionKit } from "@/lib/session";
import type { AccountMail } from "@/lib/session/ops";
import type * as EmailChange from "@/lib/auth/email-change";
import type * as Users from "@/lib/auth/users";
import { randomPrefix, testRedis } from "../support/redis";
import { testKit } from "./session-fixtures";

const redis = testRedis({ deserialize: false });
let prefix = "";
let passwordHash = "";
let flow: typeof EmailChange;
let users: typeof Users;
let kit: SessionKit;

beforeAll(async () => {
  prefix = randomPrefix("auth-email");
  vi.stubEnv("AUTH_KEY_PREFIX", prefix);
  vi.resetModules();
  flow = await import("@/lib/auth/email-change");
  users = await import("@/lib/auth/users");
  passwordHash = await (await import("@/lib/auth/password")).hashPassword("a password, long enough");
  kit = testKit().kit;
});

afterAll(() => {
  vi.unstubAllEnvs();
});

let count = 0;
function address(label: string): string {
  count += 1;
  return `${label}-${count}-${Date.now()}@example.test`;
}

async function account(email = address("owner")): Promise<{ userId: string; email: string }> {
  const created = await users.createUser({ email, passwordHash });
  if (!created.ok) throw new Error(`test setup: createUser ${created.reason}`);
  return { userId: created.user.id, email: created.user.email };
}

/** Requests a change and returns the two links' tokens, from the notices as they were sent. */
async function request(
  userId: string,
  newEmail: string,
): Promise<{ confirm: string; revert: string; notices: AccountMail[] }> {
  const notices: AccountMail[] = [];
  const result = await flow.requestEmailChange({
    userId,
    newEmail,
    origin: "https://app.example.test",
    send: async (notice) => void notices.push(notice),
  });
  expect(result, "the request is accepted").toEqual({ ok: true });
  const token = (kind: string): string =>
    new URL(notices.find((n) => n.kind === kind)?.link ?? "https://x/?token=").searchParams.get("token") ??
    "";
  return { confirm: token("email_change_confirm"), revert: token("email_change_notice"), notices };
}

async function indexOf(email: string): Promise<{ value: string | null; ttl: number }> {
  const key = `${prefix}email:${email}`;
  return { value: await redis.get<string>(key), ttl: await redis.pttl(key) };
}

async function emailOf(userId: string): Promise<string | undefined> {
  const found = await users.getUserById(userId);
  return found.ok ? found.user?.email : undefined;
}

describe("change of email", () => {
  it("mails a confirm link to the new address and a notice to the old one; nothing changes until the link is used", async () => {
    const owner = await account();
    const to = address("new");
    const { confirm, revert, notices } = await request(owner.userId, to);
    expect(notices.map((n) => [n.kind, n.to])).toEqual([
      ["email_change_confirm", to],
      ["email_change_notice", owner.email],
    ]);
    expect(confirm).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(revert).not.toBe(confirm);
    expect(await emailOf(owner.userId), "unchanged before the link").toBe(owner.email);
    expect((await indexOf(to)).value, "the new address is not claimed by a request").toBeNull();
  });

  it("stores each link only as the SHA-256 of its token, expiring", async () => {
    const owner = await account();
    const { confirm, revert } = await request(owner.userId, address("new"));
    for (const [token, ttlSeconds] of [
      [confirm, flow.CONFIRM_TTL_SECONDS],
      [revert, flow.REVERT_TTL_SECONDS],
    ] as const) {
      const digest = createHash("sha256").update(token).digest("hex");
      const key = `${prefix}email-change:${digest}`;
      const stored = await redis.get<string>(key);
      expect(stored, "the record sits under the token's hash").not.toBeNull();
      expect(stored, "the record never holds the token").not.toContain(token);
      expect(Math.abs((await redis.ttl(key)) - ttlSeconds)).toBeLessThanOrEqual(2);
      const [, keys] = await redis.scan(0, { match: `${prefix}*${token}*`, count: 10_000 });
      expect(keys, "no key holds the raw token").toEqual([]);
    }
  });

  it("the confirm link moves the address and the label of every live session, and works once", async () => {
    const owner = await account();
    const a = await kit.createSession({
      userId: owner.userId,
      label: owner.email,
      device: { userAgent: "A" },
    });
    const b = await kit.createSession({
      userId: owner.userId,
      label: owner.email,
      device: { userAgent: "B" },
    });
    if (!a.ok || !b.ok) throw new Error("sign-in failed");
    const to = address("new");
    const { confirm } = await request(owner.userId, to);
    expect(await flow.confirmEmailChange(kit, confirm)).toEqual({ ok: true, email: to, relabeled: true });
    expect(await emailOf(owner.userId)).toBe(to);
    expect(await indexOf(to), "the new address is the account's, for good").toEqual({
      value: owner.userId,
      ttl: -1,
    });
    const old = await indexOf(owner.email);
    expect(old.value, "the old address is reserved for the way back, not for signing in").toBe(
      `~${owner.userId}`,
    );
    expect(old.ttl).toBeGreaterThan(0);
    expect(
      (await users.findUserByEmail(owner.email)).ok && (await users.findUserByEmail(owner.email)),
    ).toEqual({
      ok: true,
      user: null,
    });
    for (const cookie of [a.cookie.value, b.cookie.value]) {
      const read = await kit.validateSessionToken(cookie);
      expect(read.ok && read.session.label, "the session's label follows").toBe(to);
    }
    expect(await flow.confirmEmailChange(kit, confirm), "a used link").toEqual({
      ok: false,
      reason: "invalid",
    });
  });

  it("refuses an expired link, a forged one and a revert link used to confirm", async () => {
    const owner = await account();
    const { confirm, revert } = await request(owner.userId, address("new"));
    const key = `${prefix}email-change:${createHash("sha256").update(confirm).digest("hex")}`;
    await redis.pexpire(key, 1);
    await expect.poll(() => redis.exists(key), { timeout: 2000 }).toBe(0);
    expect(await flow.confirmEmailChange(kit, confirm), "expired").toEqual({ ok: false, reason: "invalid" });
    expect(await flow.confirmEmailChange(kit, revert), "wrong kind").toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(await flow.confirmEmailChange(kit, "x".repeat(43)), "forged").toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(await flow.confirmEmailChange(kit, "../../etc"), "junk").toEqual({ ok: false, reason: "invalid" });
    expect(await emailOf(owner.userId)).toBe(owner.email);
  });

  it("a newer request supersedes the older link", async () => {
    const owner = await account();
    const first = await request(owner.userId, address("first"));
    const second = await request(owner.userId, address("second"));
    expect(await flow.confirmEmailChange(kit, first.confirm)).toEqual({ ok: false, reason: "superseded" });
    expect((await flow.confirmEmailChange(kit, second.confirm)).ok).toBe(true);
  });

  it("an address another account holds gets the same answer and no link", async () => {
    const owner = await account();
    const other = await account();
    const notices: AccountMail[] = [];
    const result = await flow.requestEmailChange({
      userId: owner.userId,
      newEmail: other.email.toUpperCase(),
      origin: "",
      send: async (notice) => void notices.push(notice),
    });
    expect(result).toEqual({ ok: true });
    expect(notices, "nothing is mailed").toEqual([]);
  });

  it("two accounts claiming one new address at once: exactly one wins, every time", async () => {
    for (let round = 0; round < 10; round += 1) {
      const to = address("contested");
      const [x, y] = await Promise.all([account(), account()]);
      const [lx, ly] = await Promise.all([request(x.userId, to), request(y.userId, to)]);
      const results = await Promise.all([
        flow.confirmEmailChange(kit, lx.confirm),
        flow.confirmEmailChange(kit, ly.confirm),
      ]);
      const winners = results.filter((r) => r.ok);
      expect(winners.length, `round ${round}: one winner`).toBe(1);
      expect(results.filter((r) => !r.ok && r.reason === "taken").length, `round ${round}: one taken`).toBe(
        1,
      );
      const winner = results[0]?.ok === true ? x : y;
      const loser = winner === x ? y : x;
      expect((await indexOf(to)).value).toBe(winner.userId);
      expect(await emailOf(winner.userId)).toBe(to);
      expect(await emailOf(loser.userId), "the loser keeps its address").toBe(loser.email);
      expect((await indexOf(loser.email)).value).toBe(loser.userId);
    }
  });

  it("this wasn't me, after the change: the old address comes back and every session is signed out", async () => {
    const owner = await account();
    const a = await kit.createSession({
      userId: owner.userId,
      label: owner.email,
      device: { userAgent: "A" },
    });
    if (!a.ok) throw new Error("sign-in failed");
    const to = address("attacker");
    const { confirm, revert } = await request(owner.userId, to);
    expect((await flow.confirmEmailChange(kit, confirm)).ok).toBe(true);
    const reverted = await flow.revertEmailChange(kit, revert);
    expect(reverted).toEqual({ ok: true, email: owner.email, restored: true, signedOut: 1 });
    expect(await emailOf(owner.userId)).toBe(owner.email);
    expect(await indexOf(owner.email)).toEqual({ value: owner.userId, ttl: -1 });
    expect((await indexOf(to)).value, "the other address is let go").toBeNull();
    expect(await kit.validateSessionToken(a.cookie.value)).toEqual({ ok: false, reason: "revoked" });
    expect(await flow.revertEmailChange(kit, revert), "works once").toEqual({ ok: false, reason: "invalid" });
  });

  it("this wasn't me, before the change: the pending link stops working", async () => {
    const owner = await account();
    const { confirm, revert } = await request(owner.userId, address("attacker"));
    expect(await flow.revertEmailChange(kit, revert)).toMatchObject({ ok: true, restored: false });
    expect(await flow.confirmEmailChange(kit, confirm)).toEqual({ ok: false, reason: "superseded" });
    expect(await emailOf(owner.userId)).toBe(owner.email);
    expect(await indexOf(owner.email)).toEqual({ value: owner.userId, ttl: -1 });
  });

  it("this wasn't me racing the confirmation always ends on the old address, with no stray claim", async () => {
    for (let round = 0; round < 8; round += 1) {
      const owner = await account();
      const to = address("race");
      const { confirm, revert } = await request(owner.userId, to);
      await Promise.all([flow.confirmEmailChange(kit, confirm), flow.revertEmailChange(kit, revert)]);
      expect(await emailOf(owner.userId), `round ${round}`).toBe(owner.email);
      expect(await indexOf(owner.email), `round ${round}: old address persistent`).toEqual({
        value: owner.userId,
        ttl: -1,
      });
      expect((await indexOf(to)).value, `round ${round}: no claim left on the new one`).toBeNull();
    }
  });
});
