/**
 * The kit's credential version (keys.ts `P{U}:cred`): read before a password check, checked atomically by the
 * create script, raised by every credential change.
 */
import { describe, expect, it } from "vitest";
import { ENDED_REASONS } from "@/lib/session";
import { parseEndedReason } from "@/lib/session/cookie";
import { CREDENTIAL_REASONS, USER_REASONS } from "@/lib/session/reasons";
import { testKit, userId } from "./session-fixtures";

const device = { userAgent: "UA" };

describe("credential version", () => {
  it("starts at 0 and is raised by a password change's rotation and by revokeUserSessions(password_changed)", async () => {
    const { kit } = testKit();
    const user = userId();
    expect(await kit.readCredentialVersion(user)).toEqual({ ok: true, version: "0" });
    const first = await kit.createSession({ userId: user, device, credentialVersion: "0" });
    expect(first.ok && first.credentialVersion).toBe("0");
    const rotated = await kit.createSession({ userId: user, device, revokeOtherSessions: true });
    expect(rotated.ok && rotated.credentialVersion).toBe("1");
    expect(await kit.readCredentialVersion(user)).toEqual({ ok: true, version: "1" });
    expect(await kit.revokeUserSessions(user, "revoked")).toMatchObject({ ok: true });
    expect(
      await kit.readCredentialVersion(user),
      "a plain sign-out everywhere is no credential change",
    ).toEqual({
      ok: true,
      version: "1",
    });
    expect(await kit.revokeUserSessions(user, "password_changed")).toMatchObject({ ok: true });
    expect(await kit.readCredentialVersion(user)).toEqual({ ok: true, version: "2" });
  });

  it("refuses a create with an old version and writes nothing", async () => {
    const { kit } = testKit({ maxSessionsPerUser: 1, capPolicy: "evict-oldest" });
    const user = userId();
    const kept = await kit.createSession({ userId: user, device, revokeOtherSessions: true });
    if (!kept.ok) throw new Error(kept.reason);
    const stale = await kit.createSession({ userId: user, device, credentialVersion: "0" });
    expect(stale).toEqual({ ok: false, reason: "stale_credentials" });
    expect((await kit.validateSessionToken(kept.cookie.value)).ok, "the refusal evicted nobody").toBe(true);
    const listed = await kit.listUserSessions(user);
    expect(listed.ok && listed.sessions.map((session) => session.id)).toEqual([kept.session.id]);
  });

  it("throws on a version that readCredentialVersion cannot have returned (a bug in the caller)", async () => {
    const { kit } = testKit();
    await expect(kit.createSession({ userId: userId(), device, credentialVersion: "v1" })).rejects.toThrow(
      /^session: createSession credentialVersion/,
    );
  });

  it('createSession({ revokeOtherSessions: "password_reset" }) tells every other device "password_reset" and raises the version', async () => {
    const { kit } = testKit();
    const user = userId();
    const phone = await kit.createSession({ userId: user, device });
    const laptop = await kit.createSession({ userId: user, device });
    if (!phone.ok || !laptop.ok) throw new Error("sign-in failed");
    const reset = await kit.createSession({ userId: user, device, revokeOtherSessions: "password_reset" });
    if (!reset.ok) throw new Error(reset.reason);
    expect(reset.credentialVersion).toBe("1");
    for (const other of [phone, laptop]) {
      expect(await kit.validateSessionToken(other.cookie.value)).toEqual({
        ok: false,
        reason: "password_reset",
      });
    }
    expect((await kit.validateSessionToken(reset.cookie.value)).ok, "the new session is live").toBe(true);
    const listed = await kit.listUserSessions(user);
    expect(listed.ok && listed.sessions.map((session) => session.id)).toEqual([reset.session.id]);
    expect(await kit.createSession({ userId: user, device, credentialVersion: "0" })).toEqual({
      ok: false,
      reason: "stale_credentials",
    });
  });

  it("throws on a revokeOtherSessions reason that is not a credential change (a bug in the caller)", async () => {
    const { kit } = testKit();
    await expect(
      kit.createSession({
        userId: userId(),
        device,
        revokeOtherSessions: "evicted" as unknown as "password_reset",
      }),
    ).rejects.toThrow(/^session: createSession revokeOtherSessions/);
  });

  it("keeps each user's version to that user", async () => {
    const { kit } = testKit();
    const alice = userId("alice");
    await kit.revokeUserSessions(alice, "password_changed");
    expect(await kit.readCredentialVersion(alice)).toEqual({ ok: true, version: "1" });
    expect(await kit.readCredentialVersion(userId("bob"))).toEqual({ ok: true, version: "0" });
  });
});

describe("the reason vocabulary (reasons.ts)", () => {
  it.each(USER_REASONS)(
    "revokeUserSessions(%s) tells every device that reason and raises the version only for a credential reason",
    async (reason) => {
      const { kit } = testKit();
      const user = userId();
      const a = await kit.createSession({ userId: user, device });
      const b = await kit.createSession({ userId: user, device });
      if (!a.ok || !b.ok) throw new Error("sign-in failed");
      expect(await kit.revokeUserSessions(user, reason)).toEqual({ ok: true, revoked: 2 });
      for (const signedIn of [a, b]) {
        expect(await kit.validateSessionToken(signedIn.cookie.value)).toEqual({ ok: false, reason });
      }
      const raised = (CREDENTIAL_REASONS as readonly string[]).includes(reason);
      expect(await kit.readCredentialVersion(user)).toEqual({ ok: true, version: raised ? "1" : "0" });
      const late = await kit.createSession({ userId: user, device, credentialVersion: "0" });
      expect(late.ok, "a sign-in that read the version before the revocation").toBe(!raised);
    },
  );

  it("revokeSession(admin_revoked) tells that one device why and leaves the others", async () => {
    const { kit } = testKit();
    const user = userId();
    const a = await kit.createSession({ userId: user, device });
    const b = await kit.createSession({ userId: user, device });
    if (!a.ok || !b.ok) throw new Error("sign-in failed");
    expect(await kit.revokeSession(user, a.session.id, "admin_revoked")).toEqual({ ok: true, revoked: true });
    expect(await kit.validateSessionToken(a.cookie.value)).toEqual({ ok: false, reason: "admin_revoked" });
    expect((await kit.validateSessionToken(b.cookie.value)).ok).toBe(true);
  });

  it("every ended reason survives the ended cookie and nothing else does", () => {
    for (const reason of ENDED_REASONS) expect(parseEndedReason(reason)).toBe(reason);
    for (const junk of ["missing", "malformed", "logout", "", "revoked "])
      expect(parseEndedReason(junk)).toBeUndefined();
  });
});
