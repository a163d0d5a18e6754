import { describe, expect, it } from "vitest";
import { readMailOutbox, type AccountMail } from "@/lib/session/mail";
import { consoleNotifier, outboxNotifier } from "@/lib/session/notify";
import { randomPrefix, testRedis } from "@/tests/support/redis";

const mail: AccountMail = {
  to: "owner@example.test",
  kind: "verify_email",
  subject: "Verify your email",
  text: "Open this link: https://app.example/verify-email?token=t",
  link: "https://app.example/verify-email?token=t",
  at: Date.UTC(2026, 0, 2, 3, 4, 5),
};

describe("account mail through the Notifier", () => {
  it("the dev outbox keeps each address's mail, newest first, 20 at most, expiring", async () => {
    const prefix = randomPrefix("mailbox");
    const redis = testRedis();
    const notifier = outboxNotifier(redis, prefix);
    await notifier.sendMail(mail);
    await notifier.sendMail({ ...mail, kind: "reset_password", subject: "Reset your password" });
    await notifier.sendMail({ ...mail, to: "someone-else@example.test" });
    const read = await readMailOutbox(redis, prefix, "owner@example.test");
    expect(read.map((entry) => entry.subject)).toEqual(["Reset your password", "Verify your email"]);
    expect(read[1]).toEqual(mail);
    for (let i = 0; i < 25; i += 1) await notifier.sendMail({ ...mail, at: i });
    expect(await readMailOutbox(redis, prefix, "owner@example.test")).toHaveLength(20);
    // The key names the address behind "mail:", URI-encoded (no KEYS: this suite also runs on a cluster).
    const key = `${prefix}{mail:owner%40example.test}:outbox`;
    expect(await redis.llen(key)).toBe(20);
    expect(await redis.ttl(key)).toBeGreaterThan(0);
  });

  it("the console notifier prints the address, the subject and the body", async () => {
    const lines: string[] = [];
    await consoleNotifier((line) => lines.push(line)).sendMail(mail);
    expect(lines.join("\n")).toContain("To: owner@example.test");
    expect(lines.join("\n")).toContain(mail.text);
  });
});
