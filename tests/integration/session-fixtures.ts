/**
 * Shared setup of the session integration tests: a kit on the test stack with its own key prefix and a fake
 * clock. Not a test file (no `.test.ts`), imported by tests/integration/session-*.test.ts.
 */
import { createSessionKit, type DeviceInfo, type SessionConfigInput, type SessionKit } from "@/lib/session";
import { buildPasswords, unsealCookie } from "@/lib/session/cookie";
import { userKeys } from "@/lib/session/keys";
import { hashSessionToken } from "@/lib/session/token";
import { randomPrefix, restCredentials, testRedis } from "@/tests/support/redis";

export const SECRET = "integration-secret-0123456789-abcdefghijkl";

export type FakeClock = { now: () => number; advanceSeconds: (seconds: number) => void };

/** Starts at the real time (iron seals use the wall clock) and only moves when told to. */
export function fakeClock(start: number = Date.now()): FakeClock {
  let t = start;
  return { now: () => t, advanceSeconds: (seconds) => void (t += seconds * 1000) };
}

export function device(name = "Firefox on Linux"): DeviceInfo {
  return {
    userAgent: `Mozilla/5.0 (${name})`,
    browser: name.split(" ")[0],
    os: "Linux",
    deviceType: "desktop",
  };
}

export type TestKit = { kit: SessionKit; clock: FakeClock; prefix: string };

export function testKit(
  config: SessionConfigInput = {},
  options: {
    clock?: FakeClock;
    env?: Record<string, string>;
    metrics?: boolean;
    activity?: boolean | { maxEntries?: number; retentionSeconds?: number };
    defer?: (task: () => Promise<unknown>) => void;
  } = {},
): TestKit {
  const clock = options.clock ?? fakeClock();
  const prefix = config.keyPrefix ?? randomPrefix("sess");
  const { url, token } = restCredentials();
  const kit = createSessionKit({
    env: {
      UPSTASH_REDIS_REST_URL: url,
      UPSTASH_REDIS_REST_TOKEN: token,
      SESSION_SECRET: SECRET,
      ...options.env,
    },
    config: { ...config, keyPrefix: prefix, redis: { timeoutMs: 5000, retries: 1, ...config.redis } },
    now: clock.now,
    metrics: options.metrics,
    activity: options.activity,
    defer: options.defer,
  });
  return { kit, clock, prefix };
}

/** Creates a session and fails loudly if that did not work. */
export async function signIn(
  kit: SessionKit,
  userId: string,
  extra: {
    remember?: boolean;
    name?: string;
    replaceCookie?: string;
    revokeOtherSessions?: boolean;
    knownDevice?: boolean;
  } = {},
): Promise<{ cookie: string; id: string }> {
  const result = await kit.createSession({ userId, device: device(extra.name), ...extra });
  if (!result.ok) throw new Error(`signIn(${userId}) failed: ${result.reason}`);
  return { cookie: result.cookie.value, id: result.session.id };
}

export function userId(label = "user"): string {
  return `${label}-${Math.random().toString(36).slice(2, 10)}`;
}

/** A raw client to the test stack (values as stored). */
export const redis = testRedis({ deserialize: false });

/** The Redis key of the session behind a cookie sealed with SECRET. */
export async function sessionKeyOf(prefix: string, cookie: string): Promise<string> {
  const payload = await unsealCookie(cookie, await buildPasswords({ secret: SECRET, previousSecrets: [] }));
  if (payload === null) throw new Error("cookie did not unseal");
  return userKeys(prefix, payload.u).session(await hashSessionToken(payload.t));
}

/** Remaining TTL of a key in seconds (negative: -2 missing, -1 no TTL, as Redis says, in ms / 1000). */
export async function ttlSeconds(key: string): Promise<number> {
  return (await redis.pttl(key)) / 1000;
}

/** Session keys matching a SCAN pattern that hold a live record (not a marker), sorted. */
export async function liveSessionKeys(pattern: string): Promise<string[]> {
  const live: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, { match: pattern, count: 1000 });
    cursor = String(next);
    for (const key of batch) {
      const value = await redis.get<string>(key);
      if (typeof value === "string" && /^\d/.test(value)) live.push(key);
    }
  } while (cursor !== "0");
  return live.sort();
}

/** The session keys a user's index points at, sorted. */
export async function indexedSessionKeys(prefix: string, user: string): Promise<string[]> {
  const keys = userKeys(prefix, user);
  const members = await redis.zrange<string[]>(keys.index, 0, -1);
  return members.map((hash) => keys.session(hash)).sort();
}
