/**
 * lib/node/upstash-pool.ts (the optional Node-only transport for proxy.ts) against real Redis through the REST
 * server: the kit works through it exactly as through its fetch client (raw values, scripts, errors), and a
 * store that does not answer is "unavailable", never a sign-out.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { errors } from "@upstash/redis";
import { afterAll, describe, expect, it } from "vitest";
import { pooledRedis } from "@/lib/node/upstash-pool";
import { createSessionKit } from "@/lib/session";
import { randomPrefix, restCredentials } from "@/tests/support/redis";

const SECRET = "node-transport-secret-0123456789-abcdefgh";
const DEVICE = { userAgent: "vitest" };
const pooled = pooledRedis({ ...restCredentials(), timeoutMs: 2000, retries: 1 });
const closers: (() => Promise<void>)[] = [pooled.close];

afterAll(async () => {
  for (const close of closers) await close();
});

function kitOver(redis = pooled.redis, prefix = randomPrefix()): ReturnType<typeof createSessionKit> {
  return createSessionKit({ redis, env: { SESSION_SECRET: SECRET }, config: { keyPrefix: prefix } });
}

describe("the pooled Node transport", () => {
  it("carries the whole session life: create, validate, touch, list, revoke", async () => {
    const kit = kitOver();
    const created = await kit.createSession({ userId: "pool-user-1", device: DEVICE });
    if (!created.ok) throw new Error(`createSession: ${created.reason}`);
    const validated = await kit.validateSessionToken(created.cookie.value);
    expect(validated.ok && validated.session.userId, "validated through the pool").toBe("pool-user-1");
    expect((await kit.touchSession(created.cookie.value)).ok, "touch").toBe(true);
    const listed = await kit.listUserSessions("pool-user-1");
    if (!listed.ok) throw new Error(`list: ${listed.reason}`);
    expect(listed.sessions).toHaveLength(1);
    const revoked = await kit.revokeSession("pool-user-1", listed.sessions[0]?.id ?? "");
    expect(revoked.ok && revoked.revoked, "revoked").toBe(true);
    const after = await kit.validateSessionToken(created.cookie.value);
    expect(after.ok ? "ok" : after.reason).toBe("revoked");
  });

  it("returns values raw, as the kit's own client does (no JSON decoding)", async () => {
    const key = `${randomPrefix()}raw`;
    await pooled.redis.set(key, '{"a":1}');
    expect(await pooled.redis.get(key)).toBe('{"a":1}');
  });

  it("throws a Redis error as UpstashError, with Redis's message", async () => {
    const failing = pooled.redis.eval("return redis.error_reply('BOOM from the script')", [], []);
    await expect(failing).rejects.toBeInstanceOf(errors.UpstashError);
    await expect(pooled.redis.eval("return redis.error_reply('BOOM again')", [], [])).rejects.toThrow(
      /BOOM again/,
    );
  });

  it("answers unavailable, not signed out, when the store never replies", async () => {
    const kit = kitOver();
    const created = await kit.createSession({ userId: "pool-user-2", device: DEVICE });
    if (!created.ok) throw new Error(`createSession: ${created.reason}`);
    // A server that accepts the request and never answers.
    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    const stalled = pooledRedis({ url: `http://127.0.0.1:${port}`, token: "t", timeoutMs: 300, retries: 1 });
    closers.push(async () => {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    closers.push(stalled.close);
    const kitStalled = createSessionKit({
      redis: stalled.redis,
      env: { SESSION_SECRET: SECRET },
      config: { keyPrefix: "unused:" },
    });
    const result = await kitStalled.validateSessionToken(created.cookie.value);
    expect(result.ok ? "ok" : result.reason).toBe("unavailable");
  });
});
