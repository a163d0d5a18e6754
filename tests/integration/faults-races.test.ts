/**
 * Races beyond the core's own: sign out everywhere, password changes (createSession with revokeOtherSessions)
 * and sign-ins from many browsers of two users, all at once, several rounds. After each round:
 * - no user has more than `maxSessionsPerUser` live sessions;
 * - every live session key is in its user's index, and every index member is live;
 * - every live record belongs to the user whose keys hold it, every cookie validates only as its own user,
 *   and a user's device list never shows another user's session.
 * A final password change leaves exactly one live session.
 */
import { describe, expect, it } from "vitest";
import { createSessionKit, type CreateSessionResult, type SessionKit } from "@/lib/session";
import { userKeys } from "@/lib/session/keys";
import { randomPrefix, restCredentials, testRedis } from "@/tests/support/redis";
import { indexedSessionKeys, liveSessionKeys } from "./session-fixtures";

const SECRET = "races-secret-0123456789-abcdefghijklmnopqr";
const CAP = 3;
const redis = testRedis({ deserialize: false });

function kitWith(prefix: string): SessionKit {
  const { url, token } = restCredentials();
  return createSessionKit({
    env: { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token, SESSION_SECRET: SECRET },
    config: {
      keyPrefix: prefix,
      maxSessionsPerUser: CAP,
      capPolicy: "evict-oldest",
      redis: { timeoutMs: 5_000 },
    },
  });
}

/** Live session keys of one user (records, not markers), from the user's slot. */
function liveKeysOf(prefix: string, user: string): Promise<string[]> {
  return liveSessionKeys(`${userKeys(prefix, user).sessionPrefix}*`);
}

/** The JSON body of a live record holds the user id (record.ts: header fields, then JSON). */
async function ownerOf(key: string): Promise<string> {
  const value = (await redis.get<string>(key)) ?? "";
  const json = value.split(":").slice(5).join(":");
  return (JSON.parse(json) as { userId: string }).userId;
}

function shuffled<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

describe("races: revoke-all, password change and sign-ins from many browsers at once", () => {
  it("keeps the cap, the index and user separation through 5 rounds of mixed concurrent operations", async () => {
    const prefix = randomPrefix("races");
    const kit = kitWith(prefix);
    const users = ["race-alice", "race-bob"] as const;
    /** The last cookie each "browser" holds, as a browser would: sign-ins replace it. */
    const browsers = new Map<string, string | undefined>();
    const created: Array<{ user: string; result: CreateSessionResult }> = [];

    for (let round = 0; round < 5; round++) {
      const work: Array<() => Promise<unknown>> = [];
      for (const user of users) {
        for (let b = 0; b < 12; b++) {
          const browser = `${user}-browser-${b}`;
          work.push(async () => {
            const result = await kit.createSession({
              userId: user,
              device: { userAgent: browser },
              replaceCookie: browsers.get(browser),
            });
            created.push({ user, result });
            if (result.ok) browsers.set(browser, result.cookie.value);
          });
        }
        for (let p = 0; p < 3; p++) {
          work.push(async () => {
            const result = await kit.createSession({
              userId: user,
              device: { userAgent: `${user}-password-change` },
              revokeOtherSessions: true,
            });
            created.push({ user, result });
          });
        }
        for (let r = 0; r < 3; r++) work.push(() => kit.revokeUserSessions(user));
        work.push(() => kit.listUserSessions(user));
      }
      // A browser of alice signs in as bob: alice's session behind that cookie must end, not become bob's.
      work.push(async () => {
        const cookie = browsers.get("race-alice-browser-0");
        const result = await kit.createSession({
          userId: "race-bob",
          device: { userAgent: "shared" },
          replaceCookie: cookie,
        });
        created.push({ user: "race-bob", result });
      });
      const results = await Promise.allSettled(shuffled(work).map((run) => run()));
      expect(
        results.filter((r) => r.status === "rejected"),
        `round ${round}: no operation throws`,
      ).toEqual([]);

      for (const user of users) {
        const live = await liveKeysOf(prefix, user);
        expect(live.length, `round ${round}: ${user} live sessions ≤ cap`).toBeLessThanOrEqual(CAP);
        expect(
          await indexedSessionKeys(prefix, user),
          `round ${round}: ${user} index = live sessions`,
        ).toEqual(live);
        for (const key of live) expect(await ownerOf(key), `owner of ${key}`).toBe(user);
        const list = await kit.listUserSessions(user);
        expect(list.ok && list.sessions.every((s) => s.userId === user), `${user}'s device list`).toBe(true);
      }
    }

    expect(
      created.filter((c) => !c.result.ok).map((c) => c.result),
      "no sign-in fails",
    ).toEqual([]);
    const validations = await Promise.all(
      created.map(async ({ user, result }) => ({
        user,
        check: result.ok ? await kit.validateSessionToken(result.cookie.value) : null,
      })),
    );
    let stillLive = 0;
    for (const { user, check } of validations) {
      if (check === null || !check.ok) continue;
      stillLive++;
      expect(check.session.userId, "a cookie validates only as the user it was issued to").toBe(user);
    }
    expect(stillLive, "live cookies = live sessions of both users").toBe(
      (await liveKeysOf(prefix, users[0])).length + (await liveKeysOf(prefix, users[1])).length,
    );

    const final = await kit.createSession({
      userId: users[0],
      device: { userAgent: "final password change" },
      revokeOtherSessions: true,
    });
    expect(final.ok).toBe(true);
    expect(
      await liveKeysOf(prefix, users[0]),
      "after a password change only its session is live",
    ).toHaveLength(1);
  }, 60_000);
});
