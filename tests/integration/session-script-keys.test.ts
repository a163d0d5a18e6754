/**
 * Upstash's key locking, checked script by script: every kit script that declares `#!lua flags=allow-key-locking`
 * touches nothing but its KEYS, and every script that does not declare it really touches a key it derives (so it
 * could not declare it). The kit runs its whole vocabulary against real Redis through a client whose scripts run
 * instrumented: `redis.call`/`redis.pcall` record each command, and the keys of each (by Redis's own command
 * table, @ioredis/commands) are compared with the script's KEYS. Upstash refuses an undeclared key in a flagged
 * script; open-source Redis does not, hence this test.
 */
import { getKeyIndexes } from "@ioredis/commands";
import type { Redis } from "@upstash/redis";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSessionKit } from "@/lib/session";
import { cleanupSessions } from "@/lib/session/ops";
import { LOG_ACTIVITY } from "@/lib/session/lua/activity-log";
import { FIX_SESSION } from "@/lib/session/lua/cleanup-fix";
import { PRUNE_INDEX } from "@/lib/session/lua/cleanup-prune";
import { CREATE } from "@/lib/session/lua/create";
import { LIST } from "@/lib/session/lua/list";
import { LOGOUT } from "@/lib/session/lua/logout";
import { READ_METRICS } from "@/lib/session/lua/metrics-read";
import { REAUTH } from "@/lib/session/lua/reauth";
import { RELABEL } from "@/lib/session/lua/relabel";
import { RECORD_METRICS } from "@/lib/session/lua/metrics-record";
import { KEY_LOCKING } from "@/lib/session/lua/prelude";
import { REPORT } from "@/lib/session/lua/report";
import { REVOKE_ALL } from "@/lib/session/lua/revoke-all";
import { REVOKE_ONE } from "@/lib/session/lua/revoke-one";
import { REVOKE_OTHERS } from "@/lib/session/lua/revoke-others";
import { TOUCH } from "@/lib/session/lua/touch";
import { VALIDATE_LIST } from "@/lib/session/lua/validate-list";
import { randomPrefix, restCredentials, testRedis } from "@/tests/support/redis";
import { device, fakeClock, SECRET, userId } from "./session-fixtures";

const SCRIPTS = {
  LOG_ACTIVITY,
  FIX_SESSION,
  PRUNE_INDEX,
  CREATE,
  LIST,
  LOGOUT,
  READ_METRICS,
  REAUTH,
  RELABEL,
  RECORD_METRICS,
  REPORT,
  REVOKE_ALL,
  REVOKE_ONE,
  REVOKE_OTHERS,
  TOUCH,
  VALIDATE_LIST,
};
const nameOf = new Map<string, string>(Object.entries(SCRIPTS).map(([name, script]) => [script.lua, name]));

/** The script, without its shebang, as the body of a function whose `redis` records every call. */
function instrument(lua: string): string {
  const body = lua.startsWith("#!") ? lua.slice(lua.indexOf("\n") + 1) : lua;
  return `
local __real = redis
local __calls = {}
local function __record(...)
  local entry = {}
  for i = 1, select('#', ...) do entry[#entry + 1] = tostring((select(i, ...))) end
  __calls[#__calls + 1] = entry
end
local redis = setmetatable({
  call = function(...) __record(...) return __real.call(...) end,
  pcall = function(...) __record(...) return __real.pcall(...) end,
}, { __index = __real })
local function __main()
${body}
end
return { __calls, __main() }
`;
}

type Touch = { script: string; command: string; undeclared: string[] };

/** A client whose scripts run instrumented, recording per call which keys were not among the script's KEYS. */
function recordingClient(seen: Touch[]): Redis {
  const real = testRedis({ deserialize: false });
  const createScript = (lua: string): { exec: (keys: string[], args: string[]) => Promise<unknown> } => ({
    exec: async (keys, args) => {
      const [calls, reply] = (await real.eval(instrument(lua), keys, args)) as [string[][], unknown];
      const script = nameOf.get(lua) ?? "unknown script";
      for (const [name = "", ...rest] of calls) {
        const used = getKeyIndexes(name.toLowerCase(), rest).map((i) => rest[i] ?? "");
        seen.push({ script, command: name, undeclared: used.filter((key) => !keys.includes(key)) });
      }
      if (calls.length === 0) seen.push({ script, command: "(none)", undeclared: [] });
      return reply;
    },
  });
  return new Proxy(real, {
    get: (target, prop, receiver): unknown =>
      prop === "createScript" ? createScript : (Reflect.get(target, prop, receiver) as unknown),
  });
}

describe("Upstash key locking: the scripts that declare it touch only their KEYS", () => {
  it("registers every script of lib/session/lua", () => {
    const dir = join(process.cwd(), "lib/session/lua");
    const declared = readdirSync(dir)
      .filter((file) => file.endsWith(".ts"))
      .flatMap((file) => [
        ...readFileSync(join(dir, file), "utf8").matchAll(/^export const (\w+): LuaScript/gm),
      ])
      .map((match) => match[1]);
    expect(Object.keys(SCRIPTS).sort(), "a script missing from SCRIPTS above").toEqual(declared.sort());
  });

  it("runs every verb; each declaring script stays in its KEYS, each other one derives a key", async () => {
    const seen: Touch[] = [];
    const { url, token } = restCredentials();
    const clock = fakeClock();
    const prefix = randomPrefix("locks");
    const redis = recordingClient(seen);
    const kit = createSessionKit({
      redis,
      env: { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token, SESSION_SECRET: SECRET },
      config: { keyPrefix: prefix, maxSessionsPerUser: 2 },
      now: clock.now,
      metrics: true,
      activity: true,
    });
    const user = userId("locks");
    const signIn = async (extra: { replaceCookie?: string; revokeOtherSessions?: boolean } = {}) => {
      const created = await kit.createSession({ userId: user, device: device(), ...extra });
      if (!created.ok) throw new Error(`sign-in failed: ${created.reason}`);
      return created;
    };

    const a = await signIn();
    const b = await signIn();
    const c = await signIn({ replaceCookie: a.cookie.value }); // rotation, then the cap evicts the oldest
    clock.advanceSeconds(120);
    expect(await kit.touchSession(c.cookie.value)).toEqual({ ok: true, touched: true });
    expect((await kit.validateAndListSessions(c.cookie.value, { activityLimit: 5 })).ok).toBe(true);
    expect((await kit.listUserSessions(user, { activityLimit: 5 })).ok).toBe(true);
    expect((await kit.markReauthenticated(c.cookie.value)).ok).toBe(true);
    expect((await kit.relabelUserSessions(user, "new@example.test")).ok).toBe(true);
    await kit.recordFailedSignIn({ userId: user, device: device() });
    expect((await kit.readMetrics()).ok).toBe(true);
    const d = await signIn();
    expect((await kit.revokeSession(user, b.session.id)).ok).toBe(true);
    const report = await kit.redeemReportToken(await kit.signReportToken(user, d.session.id));
    expect(report.ok).toBe(true);
    const e = await signIn();
    await signIn();
    expect((await kit.revokeOtherSessions(user, e.cookie.value)).ok).toBe(true);
    const f = await signIn({ revokeOtherSessions: true });
    await signIn();
    expect((await kit.revokeCurrentSession(f.cookie.value)).ok).toBe(true);
    await cleanupSessions({ redis, config: kit.config, now: clock.now });
    expect((await kit.revokeUserSessions(user, "password_changed")).ok).toBe(true);

    const ran = new Set(seen.map((touch) => touch.script));
    expect([...ran].sort(), "a script the workload never ran").toEqual(Object.keys(SCRIPTS).sort());
    for (const [name, script] of Object.entries(SCRIPTS)) {
      const undeclared = seen.filter((t) => t.script === name).flatMap((t) => t.undeclared);
      if (script.lua.startsWith(KEY_LOCKING)) {
        expect(undeclared, `${name} declares allow-key-locking but touches keys outside its KEYS`).toEqual(
          [],
        );
      } else {
        expect(undeclared.length, `${name} touches only its KEYS: declare allow-key-locking`).toBeGreaterThan(
          0,
        );
      }
    }
    const flagged = Object.entries(SCRIPTS).filter(([, script]) => script.lua.startsWith(KEY_LOCKING));
    expect(flagged.map(([name]) => name).sort()).toEqual(
      ["FIX_SESSION", "LOG_ACTIVITY", "READ_METRICS", "REAUTH", "RECORD_METRICS", "TOUCH"].sort(),
    );
  });
});
