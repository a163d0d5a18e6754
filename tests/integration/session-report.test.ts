import { describe, expect, it } from "vitest";
import { consoleNotifier, describeNotice, outboxNotifier, readOutbox } from "@/lib/session/notify";
import { randomPrefix, testRedis } from "@/tests/support/redis";
import { device, signIn, testKit } from "./session-fixtures";

describe('"This wasn\'t me" report link', () => {
  it("revokes exactly that session once; a second use, an expired link and a forged one are refused", async () => {
    const { kit, clock } = testKit({}, { activity: true });
    const user = "report-a";
    const mine = await signIn(kit, user, { name: "Firefox on Linux" });
    const intruder = await signIn(kit, user, { name: "Chrome on Windows" });
    const token = await kit.signReportToken(user, intruder.id, 3600);

    expect(await kit.redeemReportToken(token)).toEqual({ ok: true, userId: user, revoked: true });
    expect(await kit.validateSessionToken(intruder.cookie)).toEqual({ ok: false, reason: "revoked" });
    expect((await kit.validateSessionToken(mine.cookie)).ok, "my own session stays").toBe(true);
    expect(await kit.redeemReportToken(token), "single use").toEqual({ ok: false, reason: "used" });

    const activity = await kit.listUserSessions(user, { activityLimit: 20 });
    expect(activity.ok && activity.activity?.[0]?.type).toBe("revoked");
    expect(activity.ok && activity.activity?.[0]?.device.browser).toBe("Chrome");

    const later = await kit.signReportToken(user, mine.id, 60);
    clock.advanceSeconds(61);
    expect(await kit.redeemReportToken(later)).toEqual({ ok: false, reason: "expired" });
    expect((await kit.validateSessionToken(mine.cookie)).ok).toBe(true);
  });

  it("refuses tampered, truncated and foreign-secret tokens without touching any session", async () => {
    const { kit } = testKit();
    const other = testKit({}, { env: { SESSION_SECRET: "another-secret-0123456789-abcdefghijklmnop" } }).kit;
    const user = "report-b";
    const victim = await signIn(kit, user);
    const token = await kit.signReportToken(user, victim.id);
    const [body = "", mac = ""] = token.split(".");
    const forgedBody = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body, "base64url").toString()), u: "someone-else" }),
    ).toString("base64url");
    for (const bad of [
      `${forgedBody}.${mac}`,
      token.slice(0, -2),
      `${body}`,
      "garbage",
      await other.signReportToken(user, victim.id),
    ]) {
      expect(await kit.redeemReportToken(bad), bad).toEqual({ ok: false, reason: "invalid" });
    }
    expect((await kit.validateSessionToken(victim.cookie)).ok).toBe(true);
  });
});

describe("new-device notifiers", () => {
  const notice = {
    userId: "notify-a",
    sessionId: "abcdefghijklmnopqrstu",
    device: { ...device("Chrome on Windows"), ip: "203.0.113.5" },
    at: Date.UTC(2026, 0, 2, 3, 4, 5),
    reportUrl: "https://app.example/not-me?token=t",
  };

  it("the dev outbox keeps the notice in Redis for a page or a test to read", async () => {
    const prefix = randomPrefix("outbox");
    const redis = testRedis();
    await outboxNotifier(redis, prefix).notifyNewDevice(notice);
    const read = await readOutbox(redis, prefix, "notify-a");
    expect(read).toEqual([notice]);
    expect(await redis.ttl(`${prefix}{notify-a}:outbox`)).toBeGreaterThan(0);
  });

  it("the console notifier prints the device and the link", async () => {
    const lines: string[] = [];
    await consoleNotifier((line) => lines.push(line)).notifyNewDevice(notice);
    expect(lines.join("\n")).toContain("Chrome on Linux (203.0.113.5)");
    expect(describeNotice(notice)).toContain(notice.reportUrl);
  });
});
