import { describe, expect, it } from "vitest";
import { userKeys } from "@/lib/session/keys";
import { testRedis } from "@/tests/support/redis";
import { device, signIn, testKit } from "./session-fixtures";

describe("security activity log", () => {
  it("records sign-ins (new device or known), eviction, revoke, failed attempts, sign-out and password change", async () => {
    const { kit, clock, prefix } = testKit({ maxSessionsPerUser: 2 }, { activity: true });
    const user = "activity-a";
    const firefox = { ...device("Firefox on Linux"), ip: "203.0.113.7" };

    const first = await kit.createSession({ userId: user, device: firefox });
    expect(first.ok && first.newDevice, "a first sign-in ever is not announced as a new device").toBe(false);
    clock.advanceSeconds(1);
    const second = await kit.createSession({ userId: user, device: firefox, knownDevice: true });
    expect(second.ok && second.newDevice, "a browser the caller vouches for is a known device").toBe(false);
    clock.advanceSeconds(1);
    const chrome = await kit.createSession({ userId: user, device: device("Chrome on Linux") });
    expect(chrome.ok && chrome.newDevice, "Chrome is a new device").toBe(true);
    if (!first.ok || !second.ok || !chrome.ok) throw new Error("sign-ins failed");
    clock.advanceSeconds(1);
    await kit.revokeSession(user, second.session.id);
    clock.advanceSeconds(1);
    await kit.recordFailedSignIn({
      userId: user,
      device: { ...device("Safari on macOS"), ip: "198.51.100.9" },
    });
    clock.advanceSeconds(1);
    const third = await signIn(kit, user, { name: "Edge on Windows" });
    clock.advanceSeconds(1);
    await signIn(kit, user, {
      name: "Edge on Windows",
      replaceCookie: third.cookie,
      revokeOtherSessions: true,
    });
    clock.advanceSeconds(1);
    const last = await signIn(kit, user, { name: "Edge on Windows", knownDevice: true });
    await kit.revokeCurrentSession(last.cookie);

    const devicesPage = await kit.listUserSessions(user, { activityLimit: 50 });
    if (!devicesPage.ok) throw new Error("list unavailable");
    const entries = devicesPage.activity ?? [];
    expect(devicesPage.sessions.map((s) => s.device.browser)).toEqual(["Edge"]);
    const plain = await kit.listUserSessions(user);
    expect(plain.ok && "activity" in plain, "no activity unless asked for").toBe(false);
    expect(entries.map((e) => e.type)).toEqual([
      "sign_out",
      "sign_in",
      "password_change",
      "password_changed",
      "sign_in_new_device",
      "sign_in_failed",
      "revoked",
      "sign_in_new_device", // Chrome: its sign-in evicted the oldest session in the same step
      "evicted",
      "sign_in",
      "sign_in",
    ]);
    const failed = entries.find((e) => e.type === "sign_in_failed");
    expect(failed?.device).toMatchObject({ browser: "Safari", ip: "198.51.100.9" });
    const evicted = entries.find((e) => e.type === "evicted");
    expect(evicted?.device.browser, "the oldest (first Firefox) session was evicted").toBe("Firefox");
    expect(evicted?.sessionCreatedAt).toBe(first.session.createdAt);
    expect(evicted?.at).toBe(chrome.session.createdAt);
    const times = entries.map((e) => e.at);
    expect(
      [...times].sort((a, b) => b - a),
      "newest first",
    ).toEqual(times);

    const log = userKeys(prefix, user).log;
    expect(await testRedis().pttl(log), "the log expires").toBeGreaterThan(89 * 86_400_000);
  });

  it("keeps at most maxEntries per user", async () => {
    const { kit } = testKit({}, { activity: { maxEntries: 3 } });
    const user = "activity-cap";
    for (let i = 0; i < 6; i++) await kit.recordFailedSignIn({ userId: user, device: device() });
    const listed = await kit.listUserSessions(user, { activityLimit: 50 });
    expect(listed.ok && listed.activity?.length).toBe(3);
  });

  it("is off by default: no log key, no newDevice flag", async () => {
    const { kit, prefix } = testKit();
    const created = await kit.createSession({ userId: "activity-off", device: device() });
    expect(created.ok && "newDevice" in created).toBe(false);
    expect(await testRedis().exists(userKeys(prefix, "activity-off").log)).toBe(0);
  });
});
