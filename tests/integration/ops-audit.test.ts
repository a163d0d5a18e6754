/**
 * The admin audit log (lib/ops/audit.ts) on real Redis: each action is recorded with who, what, when and which
 * user, read back newest first, and the list never grows past its cap.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AUDIT_MAX, listAdminActions, recordAdminAction, type AuditEntry } from "@/lib/ops/audit";
import { randomPrefix } from "../support/redis";

beforeAll(() => {
  vi.stubEnv("AUTH_KEY_PREFIX", randomPrefix("audit"));
});

afterAll(() => {
  vi.unstubAllEnvs();
});

describe("the admin audit log", () => {
  it("records each action, newest first, and keeps at most AUDIT_MAX", async () => {
    const base = Date.now();
    const actions: AuditEntry[] = [
      {
        at: base,
        admin: "admin@example.test",
        action: "revoke_session",
        userId: "u1",
        email: "a@example.test",
        outcome: "1 session ended",
      },
      {
        at: base + 1,
        admin: "admin@example.test",
        action: "revoke_user_sessions",
        userId: "u1",
        email: "a@example.test",
        outcome: "2 sessions ended",
      },
      {
        at: base + 2,
        admin: "admin@example.test",
        action: "lock_account",
        userId: "u1",
        email: "a@example.test",
        outcome: "disabled, 0 sessions ended",
      },
      {
        at: base + 3,
        admin: "admin@example.test",
        action: "unlock_account",
        userId: "u1",
        email: "a@example.test",
        outcome: "enabled",
      },
      {
        at: base + 4,
        admin: "other@example.test",
        action: "sign_out_everyone",
        outcome: "started: 3 sessions of 2 users ended, complete",
      },
    ];
    for (const entry of actions) expect(await recordAdminAction(entry)).toEqual({ ok: true });
    const listed = await listAdminActions(10);
    expect(listed).toEqual({ ok: true, entries: [...actions].reverse() });

    for (let i = 0; i < AUDIT_MAX + 5; i++) {
      await recordAdminAction({
        at: base + 10 + i,
        admin: "admin@example.test",
        action: "unlock_account",
        outcome: `n${i}`,
      });
    }
    const all = await listAdminActions(AUDIT_MAX + 50);
    expect(all.ok && all.entries.length, "the log is capped").toBe(AUDIT_MAX);
    expect(all.ok && all.entries[0]?.outcome, "newest first").toBe(`n${AUDIT_MAX + 4}`);
  });

  it("refuses a malformed entry and writes nothing", async () => {
    const bad = { at: -1, admin: "", action: "drop_tables", outcome: "x" } as unknown as AuditEntry;
    await expect(recordAdminAction(bad)).resolves.toEqual({ ok: false });
    const listed = await listAdminActions(1000);
    expect(listed.ok && listed.entries.some((entry) => (entry.action as string) === "drop_tables")).toBe(
      false,
    );
  });
});
