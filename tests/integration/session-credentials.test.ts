/**
 * The kit's credential version (keys.ts `P{U}:cred`): read before a password check, checked atomically by the
 * create script, raised by every credential change.
 */
import { describe, expect, it } from "vitest";
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

  it("keeps each user's version to that user", async () => {
    const { kit } = testKit();
    const alice = userId("alice");
    await kit.revokeUserSessions(alice, "password_changed");
    expect(await kit.readCredentialVersion(alice)).toEqual({ ok: true, version: "1" });
    expect(await kit.readCredentialVersion(userId("bob"))).toEqual({ ok: true, version: "0" });
  });
});
