import { describe, expect, it } from "vitest";
import { decodeStoredValue, encodeSession } from "@/lib/session/record";
import type { Session } from "@/lib/session";

const session: Session = {
  id: "Ab3_-xYz0123456789abc",
  userId: "user:with:colons {and braces}",
  createdAt: 1_790_000_000_000,
  lastActiveAt: 1_790_000_060_000,
  expiresAt: 1_790_001_860_000,
  absoluteExpiresAt: 1_790_086_400_000,
  remember: true,
  device: { userAgent: "Mozilla/5.0 (X11; Linux x86_64)", location: "Zürich, CH", ip: "2001:db8::1" },
};

describe("stored session record", () => {
  it("round-trips a session, colons and non-ASCII included", () => {
    const stored = encodeSession(session);
    expect(stored.startsWith("1790001860000:1790086400000:1790000060000:1:Ab3_-xYz0123456789abc:{")).toBe(
      true,
    );
    expect(decodeStoredValue(stored)).toEqual({ kind: "session", session });
  });

  it("reads markers and nothing but the known reasons", () => {
    expect(decodeStoredValue("!evicted")).toEqual({ kind: "marker", reason: "evicted" });
    expect(decodeStoredValue("!password_changed")).toEqual({ kind: "marker", reason: "password_changed" });
    expect(decodeStoredValue("!hacked")).toEqual({ kind: "invalid" });
  });

  it("treats absent as absent and anything odd as invalid, never as a session", () => {
    expect(decodeStoredValue(null)).toEqual({ kind: "absent" });
    const stored = encodeSession(session);
    for (const odd of [
      "",
      "{}",
      stored.replace('"userId"', '"user"'),
      stored.slice(0, -2),
      stored.replace(":1:", ":2:"),
      { ...session },
      42,
    ]) {
      expect(decodeStoredValue(odd), `value ${JSON.stringify(odd)}`).toEqual({ kind: "invalid" });
    }
  });
});
