import { describe, expect, it } from "vitest";
import { isAdminEmail } from "@/lib/ops/admin";
import { checkBearer, sameSecret } from "@/lib/ops/bearer";
import { idleDeadline, idleWarningSeconds } from "@/lib/ops/deadline";
import { loadSessionConfig, type Session } from "@/lib/session";

const SECRET = "operator-secret-0123456789";

function request(authorization?: string): Request {
  return new Request("http://localhost/api/metrics", {
    headers: authorization === undefined ? {} : { authorization },
  });
}

describe("operator endpoint guard", () => {
  it("answers 404 while no secret (or a short one) is configured, whatever the request carries", async () => {
    for (const secret of [undefined, "", "short"]) {
      const check = await checkBearer(request(`Bearer ${SECRET}`), secret);
      expect(check.ok || check.response.status).toBe(404);
    }
  });

  it("answers 401 without the exact bearer token, and lets the right one through", async () => {
    for (const header of [
      undefined,
      SECRET,
      `Basic ${SECRET}`,
      `Bearer ${SECRET}x`,
      "Bearer ",
      `Bearer ${SECRET} x`,
    ]) {
      const check = await checkBearer(request(header), SECRET);
      expect(check.ok || check.response.status, String(header)).toBe(401);
    }
    expect((await checkBearer(request(`Bearer ${SECRET}`), SECRET)).ok).toBe(true);
    expect((await checkBearer(request(`bearer ${SECRET}`), `  ${SECRET}  `)).ok).toBe(true);
    expect(await sameSecret("a", "b")).toBe(false);
  });
});

describe("admin role", () => {
  it("is the emails in ADMIN_EMAILS, case-insensitive, nobody when unset", () => {
    expect(isAdminEmail("Ops@Example.com", " ops@example.com, other@example.com")).toBe(true);
    expect(isAdminEmail("someone@example.com", "ops@example.com")).toBe(false);
    expect(isAdminEmail("ops@example.com", undefined)).toBe(false);
    expect(isAdminEmail("", ",")).toBe(false);
  });
});

describe("idle deadline shown in the browser", () => {
  const config = loadSessionConfig(
    { secret: "s".repeat(32), idleTimeoutSeconds: 1800, touchIntervalSeconds: 60 },
    {},
  );
  const session: Session = {
    id: "a".repeat(21),
    userId: "u",
    createdAt: 0,
    lastActiveAt: 1_000_000,
    expiresAt: 1_000_000 + 1_800_000,
    absoluteExpiresAt: 50_000_000,
    remember: false,
    device: { userAgent: "UA" },
  };

  it("is the stored expiry while no touch is due, and the touch's new expiry once one is", () => {
    expect(idleDeadline(session, config, 1_030_000)).toBe(session.expiresAt);
    expect(idleDeadline(session, config, 1_090_000)).toBe(1_090_000 + 1_800_000);
    expect(idleDeadline({ ...session, absoluteExpiresAt: 2_000_000 }, config, 1_090_000)).toBe(2_000_000);
  });

  it("warns 60 s ahead by default, never more than half the idle timeout", () => {
    expect(idleWarningSeconds(config, undefined)).toBe(60);
    expect(idleWarningSeconds(config, "5000")).toBe(900);
    expect(idleWarningSeconds(config, "nonsense")).toBe(60);
  });
});
