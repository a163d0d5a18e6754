import { describe, expect, it } from "vitest";
import { createHandoffSigner } from "@/lib/session/handoff";
import { toBase64Url } from "@/lib/session/token";
import type { Session } from "@/lib/session";

const SECRET = "handoff-secret-0123456789-abcdefghijkl";
const START = 1_790_000_000_000;

function session(overrides: Partial<Session> = {}): Session {
  return {
    id: "pub_0123456789abcdefgh",
    userId: "user-1",
    createdAt: START,
    lastActiveAt: START,
    expiresAt: START + 1_800_000,
    absoluteExpiresAt: START + 86_400_000,
    remember: false,
    device: { userAgent: "Mozilla/5.0", browser: "Firefox", location: "Zürich, CH" },
    ...overrides,
  };
}

function setup(): { clock: { t: number }; signer: ReturnType<typeof createHandoffSigner> } {
  const clock = { t: START };
  return { clock, signer: createHandoffSigner(SECRET, 30, () => clock.t) };
}

describe("middleware → render hand-off header", () => {
  it("round-trips the session for the same cookie within its lifetime", async () => {
    const { signer } = setup();
    const header = await signer.sign(session(), "cookie-value");
    expect(header).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(await signer.verify(header, "cookie-value")).toEqual(session());
  });

  it("is refused when bound to another cookie", async () => {
    const { signer } = setup();
    const header = await signer.sign(session(), "cookie-of-device-a");
    expect(await signer.verify(header, "cookie-of-device-b")).toBeNull();
    expect(await signer.verify(header, "cookie-of-device-a2"), "a longer cookie").toBeNull();
    expect(await signer.verify(header, "cookie-of-device-"), "a truncated cookie").toBeNull();
    expect(await signer.verify(header, ""), "an empty cookie").toBeNull();
    expect(await signer.verify(header, undefined)).toBeNull();
  });

  it("is refused once expired (after ~30 seconds)", async () => {
    const { clock, signer } = setup();
    const header = await signer.sign(session(), "cookie-value");
    clock.t += 29_000;
    expect(await signer.verify(header, "cookie-value"), "still valid at 29 s").not.toBeNull();
    clock.t += 1_000;
    expect(await signer.verify(header, "cookie-value"), "expired at 30 s").toBeNull();
  });

  it("is refused when forged: edited payload, made-up signature, other secret, junk", async () => {
    const { signer } = setup();
    const header = await signer.sign(session(), "cookie-value");
    const [body, mac] = header.split(".") as [string, string];

    const edited = JSON.parse(atob(body.replace(/-/g, "+").replace(/_/g, "/"))) as { s: Session };
    edited.s.userId = "admin";
    const editedBody = toBase64Url(new TextEncoder().encode(JSON.stringify(edited)));
    expect(await signer.verify(`${editedBody}.${mac}`, "cookie-value"), "edited payload").toBeNull();

    expect(await signer.verify(`${body}.${"A".repeat(43)}`, "cookie-value"), "made-up signature").toBeNull();

    const other = createHandoffSigner("another-secret-0123456789-abcdefghijkl", 30, () => START);
    expect(await other.verify(header, "cookie-value"), "signed with another secret").toBeNull();

    for (const junk of ["", ".", "a.b.c", `${body}.`, `${body}.${mac}.x`, "%%%.%%%", null, undefined]) {
      expect(await signer.verify(junk, "cookie-value"), `junk ${String(junk)}`).toBeNull();
    }
  });

  it("is refused when it claims a lifetime longer than the configured one", async () => {
    const clock = { t: START };
    const longLived = createHandoffSigner(SECRET, 300, () => clock.t);
    const header = await longLived.sign(session(), "cookie-value");
    const { signer } = setup();
    expect(await signer.verify(header, "cookie-value")).toBeNull();
  });

  it("is refused when the session inside has already expired", async () => {
    const { signer } = setup();
    const header = await signer.sign(session({ expiresAt: START + 5_000 }), "cookie-value");
    expect(await signer.verify(header, "cookie-value")).not.toBeNull();
    const later = createHandoffSigner(SECRET, 30, () => START + 6_000);
    expect(await later.verify(header, "cookie-value")).toBeNull();
  });
});
