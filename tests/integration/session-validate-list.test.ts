/**
 * validateAndListSessions: the devices page's check and its list in one script, against the real stack.
 * It must judge a cookie exactly as validateSessionToken does, and hand out a listing only with a live session.
 */
import { describe, expect, it } from "vitest";
import { userKeys } from "@/lib/session/keys";
import { redis, sessionKeyOf, signIn, testKit, userId } from "./session-fixtures";

describe("validateAndListSessions", () => {
  it("returns what validateSessionToken and listUserSessions return, together", async () => {
    const { kit, clock } = testKit({}, { activity: true });
    const user = userId();
    const laptop = await signIn(kit, user, { name: "Firefox on Linux" });
    clock.advanceSeconds(1);
    const phone = await signIn(kit, user, { name: "Chrome on Android" });
    clock.advanceSeconds(1);

    const combined = await kit.validateAndListSessions(laptop.cookie, { activityLimit: 20 });
    const validated = await kit.validateSessionToken(laptop.cookie);
    const listed = await kit.listUserSessions(user, { activityLimit: 20 });
    if (!combined.ok || !validated.ok || !listed.ok) throw new Error("expected a valid session and a list");
    expect(combined.session).toEqual(validated.session);
    expect(combined.touchDue).toBe(validated.touchDue);
    expect(combined.listing).toEqual({ sessions: listed.sessions, activity: listed.activity });
    expect(combined.listing.sessions.map((s) => s.id)).toEqual([phone.id, laptop.id]);
    expect(combined.listing.activity?.map((entry) => entry.type)).toEqual(["sign_in_new_device", "sign_in"]);

    const noActivity = await kit.validateAndListSessions(phone.cookie);
    expect(noActivity.ok && noActivity.listing).toEqual({ sessions: listed.sessions });
  });

  it("says why a signed-out cookie is signed out, exactly as a validation does, and lists nothing", async () => {
    const { kit, clock, prefix } = testKit({ idleTimeoutSeconds: 600 });
    const user = userId();
    const revoked = await signIn(kit, user);
    const idle = await signIn(kit, user);
    const deleted = await signIn(kit, user);
    await kit.revokeSession(user, revoked.id);
    await redis.del(await sessionKeyOf(prefix, deleted.cookie));

    expect(await kit.validateAndListSessions(revoked.cookie)).toEqual({ ok: false, reason: "revoked" });
    expect(await kit.validateAndListSessions(deleted.cookie)).toEqual({ ok: false, reason: "expired" });
    expect(await kit.validateAndListSessions("not-a-seal")).toEqual({ ok: false, reason: "malformed" });
    expect(await kit.validateAndListSessions(undefined)).toEqual({ ok: false, reason: "missing" });
    // Past its idle timeout by the caller's clock, though Redis has not expired the key yet.
    clock.advanceSeconds(601);
    expect(await kit.validateAndListSessions(idle.cookie)).toEqual({ ok: false, reason: "expired" });
    expect(await kit.validateSessionToken(idle.cookie)).toEqual({ ok: false, reason: "expired" });
  });

  it("a record it cannot read is malformed, never a session", async () => {
    const { kit, prefix } = testKit();
    const user = userId();
    const { cookie } = await signIn(kit, user);
    const key = await sessionKeyOf(prefix, cookie);
    await redis.set(key, "9999999999999:9999999999999:1:0:pub_x:{not json", { px: 60_000 });
    expect(await kit.validateAndListSessions(cookie)).toEqual({ ok: false, reason: "malformed" });
    expect(await kit.validateSessionToken(cookie)).toEqual({ ok: false, reason: "malformed" });
  });

  it("prunes the index of dead sessions while listing, as listUserSessions does", async () => {
    const { kit, prefix } = testKit();
    const user = userId();
    const kept = await signIn(kit, user);
    const gone = await signIn(kit, user);
    await redis.del(await sessionKeyOf(prefix, gone.cookie));
    const result = await kit.validateAndListSessions(kept.cookie);
    expect(result.ok && result.listing.sessions.map((s) => s.id)).toEqual([kept.id]);
    expect(await redis.zcard(userKeys(prefix, user).index)).toBe(1);
  });
});
