// @vitest-environment edge-runtime
import { describe, expect, inject, it } from "vitest";
import { createSessionKit } from "@/lib/session";
import { kitContext } from "@/lib/session/kit";

declare const EdgeRuntime: string | undefined;

describe("session core in the Edge runtime", () => {
  it("runs in the Edge VM (Web Crypto and fetch only)", () => {
    expect(typeof EdgeRuntime, "this file must run in the edge-runtime environment").toBe("string");
  });

  it("creates, validates, touches and revokes a session", async () => {
    const env = inject("testEnv");
    let now = Date.now();
    const kit = createSessionKit({
      env: { ...env, SESSION_SECRET: "edge-secret-0123456789-abcdefghijklmnop" },
      config: { keyPrefix: `edge:${crypto.randomUUID()}:` },
      now: () => now,
    });
    const user = `edge-user-${crypto.randomUUID()}`;
    const created = await kit.createSession({ userId: user, device: { userAgent: "EdgeTest/1.0" } });
    if (!created.ok) throw new Error(`createSession: ${created.reason}`);

    const valid = await kit.validateSessionToken(created.cookie.value);
    expect(valid.ok && valid.session.id).toBe(created.session.id);

    now += 61_000;
    expect(await kit.touchSession(created.cookie.value)).toEqual({ ok: true, touched: true });

    const header = await kitContext(kit).handoff.sign(created.session, created.cookie.value);
    expect(await kitContext(kit).handoff.verify(header, created.cookie.value)).toEqual({
      session: created.session,
    });

    expect(await kit.revokeSession(user, created.session.id)).toEqual({ ok: true, revoked: true });
    expect(await kit.validateSessionToken(created.cookie.value)).toEqual({ ok: false, reason: "revoked" });
  });
});
