/**
 * "Sign out everyone" (lib/session/sweep.ts) against real Redis, raced with sign-ins the way an incident would
 * race it: no session that started before the sweep survives it, sign-ins in flight are refused, and the walk
 * resumes from its saved progress. Runs on the cluster stack too (slot-safe: one script per user).
 */
import { describe, expect, it } from "vitest";
import type { SessionKit } from "@/lib/session";
import { readSweepProgress, revokeAllUsersSessions, type SweepProgress } from "@/lib/session/ops";
import { testRedis } from "../support/redis";
import { device, signIn, testKit, userId, type FakeClock } from "./session-fixtures";

/** A clock that moves 1 ms at every reading: every event gets its own time, in the order it asked. */
function tickingClock(): FakeClock {
  let t = Date.now();
  return { now: () => ++t, advanceSeconds: (seconds) => void (t += seconds * 1000) };
}

async function liveSessions(
  kit: SessionKit,
  users: string[],
): Promise<{ user: string; createdAt: number }[]> {
  const found: { user: string; createdAt: number }[] = [];
  for (const user of users) {
    const listed = await kit.listUserSessions(user);
    if (!listed.ok) throw new Error("test: list unavailable");
    for (const session of listed.sessions) found.push({ user, createdAt: session.createdAt });
  }
  return found;
}

/** A sign-in as lib/auth/sign-in.ts makes it: the credential version first, the create after some work. */
async function signInLater(
  kit: SessionKit,
  user: string,
  work: () => Promise<void>,
): Promise<{ cookie: string; createdAt: number } | null> {
  const version = await kit.readCredentialVersion(user);
  if (!version.ok) throw new Error("test: version unavailable");
  await work();
  const created = await kit.createSession({
    userId: user,
    device: device(),
    credentialVersion: version.version,
  });
  if (!created.ok && created.reason !== "stale_credentials")
    throw new Error(`test: create ${created.reason}`);
  return created.ok ? { cookie: created.cookie.value, createdAt: created.session.createdAt } : null;
}

describe("sign out everyone", () => {
  it("racing 64 concurrent sign-ins leaves no session that started before it", async () => {
    const clock = tickingClock();
    const { kit } = testKit({ maxSessionsPerUser: 10 }, { clock, activity: true });
    const redis = testRedis();
    const withSessions = Array.from({ length: 16 }, () => userId("busy"));
    const without = Array.from({ length: 16 }, () => userId("idle"));
    const before: { user: string; cookie: string }[] = [];
    for (const user of withSessions) {
      for (let i = 0; i < 2; i++) before.push({ user, cookie: (await signIn(kit, user)).cookie });
    }

    // 64 sign-ins, half for users with sessions and half for users without, started together with the sweep;
    // each creates its session once the sweep has reported 0, 1, 2 or 3 batches (or finished), so they land
    // before, during and after its walk.
    const reported: (() => void)[] = [];
    const batches = [0, 1, 2, 3].map((n) =>
      n === 0 ? Promise.resolve() : new Promise<void>((resolve) => (reported[n - 1] = resolve)),
    );
    let batchCount = 0;
    const everyone = [...withSessions, ...without];
    const signIns = Array.from({ length: 64 }, (_, i) =>
      signInLater(kit, everyone[i % everyone.length] ?? "", () => batches[i % 4] ?? Promise.resolve()),
    );
    const startedAt = clock.now();
    const swept = await revokeAllUsersSessions({
      kit,
      redis,
      batchSize: 4,
      concurrency: 4,
      onProgress: () => reported[batchCount++]?.(),
    });
    reported.forEach((resolve) => resolve());
    const outcomes = await Promise.all(signIns);

    expect(swept.ok, "the sweep should finish").toBe(true);
    if (!swept.ok) return;
    expect(swept.progress.complete).toBe(true);
    for (const { cookie } of before) {
      const result = await kit.validateSessionToken(cookie);
      expect(result, "a session from before the sweep must be told why it ended").toEqual({
        ok: false,
        reason: "signed_out_everyone",
      });
    }
    for (const outcome of outcomes) {
      if (outcome === null) continue;
      const result = await kit.validateSessionToken(outcome.cookie);
      if (result.ok) {
        expect(outcome.createdAt, "a surviving session must have started after the sweep").toBeGreaterThan(
          startedAt,
        );
      } else {
        expect(result.reason).toBe("signed_out_everyone");
      }
    }
    // Sign-ins that start after the sweep are untouched by it.
    const later = await Promise.all(
      everyone.slice(0, 8).map((user) => signInLater(kit, user, async () => {})),
    );
    expect(later.every((outcome) => outcome !== null && outcome.createdAt > startedAt)).toBe(true);
    const survivors = await liveSessions(kit, everyone);
    expect(survivors.length).toBeGreaterThanOrEqual(later.length);
    const early = survivors.filter((session) => session.createdAt <= startedAt);
    expect(early, "no surviving session may have started before the sweep").toEqual([]);
    expect(swept.progress.revoked).toBeGreaterThanOrEqual(before.length);
  });

  it("refuses a sign-in of a user without sessions that was checking the password during the whole sweep", async () => {
    const { kit } = testKit();
    const redis = testRedis();
    const user = userId("quiet");
    // This process has signed someone in before: it holds an epoch reading from before the sweep.
    await signIn(kit, userId("earlier"));
    const version = await kit.readCredentialVersion(user);
    if (!version.ok) throw new Error("test: version unavailable");

    // The user has no index, so the walk never visits them and their credential version stays the same.
    const swept = await revokeAllUsersSessions({ kit, redis });
    expect(swept.ok && swept.progress.complete).toBe(true);
    const created = await kit.createSession({
      userId: user,
      device: device(),
      credentialVersion: version.version,
    });

    expect(created, "the sign-in should see that a sweep started while it ran").toEqual({
      ok: false,
      reason: "stale_credentials",
    });
    expect(await liveSessions(kit, [user]), "and leave no session behind").toEqual([]);
    const again = await kit.readCredentialVersion(user);
    if (!again.ok) throw new Error("test: version unavailable");
    const retried = await kit.createSession({
      userId: user,
      device: device(),
      credentialVersion: again.version,
    });
    expect(retried.ok, "signing in again after the sweep works").toBe(true);
  });

  it("refuses a sign-in in flight for a user it visited (the credential version went up)", async () => {
    const { kit } = testKit();
    const redis = testRedis();
    const user = userId("visited");
    const old = await signIn(kit, user);
    const version = await kit.readCredentialVersion(user);
    if (!version.ok) throw new Error("test: version unavailable");
    // Seen the sweep's epoch already: only the credential version can refuse this one.
    await revokeAllUsersSessions({ kit, redis });
    await kit.createSession({ userId: userId("after"), device: device() });

    const created = await kit.createSession({
      userId: user,
      device: device(),
      credentialVersion: version.version,
    });
    expect(created).toEqual({ ok: false, reason: "stale_credentials" });
    expect(await kit.validateSessionToken(old.cookie)).toEqual({ ok: false, reason: "signed_out_everyone" });
  });

  it("saves its progress after every batch and resumes from it", async () => {
    const { kit, prefix } = testKit({}, { activity: true });
    const redis = testRedis();
    const users = Array.from({ length: 30 }, () => userId("many"));
    const cookies = await Promise.all(users.map(async (user) => (await signIn(kit, user)).cookie));
    const seen: SweepProgress[] = [];

    // A budget of 0 ms stops after the first batch, as a slow walk would when its slice ends.
    const first = await revokeAllUsersSessions({ kit, redis, batchSize: 5, maxDurationMs: 0 });
    if (!first.ok) throw new Error("test: sweep unavailable");
    const stored = await readSweepProgress(redis, prefix);
    expect(stored.ok && stored.progress).toEqual(first.progress);
    let progress = first.progress;
    while (!progress.complete) {
      const next = await revokeAllUsersSessions({
        kit,
        redis,
        resume: true,
        batchSize: 5,
        maxDurationMs: 0,
        onProgress: (p) => seen.push(p),
      });
      if (!next.ok) throw new Error("test: sweep unavailable");
      expect(next.progress.epoch, "a resumed walk keeps its epoch").toBe(first.progress.epoch);
      progress = next.progress;
    }

    expect(seen.length, "each resumed call reports its batch").toBeGreaterThan(0);
    expect(progress.revoked).toBe(users.length);
    for (const cookie of cookies) {
      expect(await kit.validateSessionToken(cookie)).toEqual({ ok: false, reason: "signed_out_everyone" });
    }
    const activity = await kit.listUserSessions(users[0] ?? "", { activityLimit: 5 });
    expect(activity.ok && activity.activity?.map((entry) => entry.type)).toEqual([
      "signed_out_everyone",
      "sign_in",
    ]);
  });
});
