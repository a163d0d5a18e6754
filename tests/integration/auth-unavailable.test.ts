/**
 * lib/auth when the store cannot be reached: every call is a value saying "unavailable", and the login
 * throttle fails closed (a limiter error is a denial, never a pass).
 */
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

let server: Server;

beforeAll(async () => {
  // A REST endpoint that always fails, standing in for a store that is down.
  server = createServer((_req, res) => {
    res
      .writeHead(500, { "content-type": "application/json" })
      .end(JSON.stringify({ error: "ERR store down" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("setup: no port");
  vi.stubEnv("UPSTASH_REDIS_REST_URL", `http://127.0.0.1:${address.port}`);
  vi.stubEnv("UPSTASH_REDIS_REST_TOKEN", "unused");
  vi.stubEnv("AUTH_REDIS_TIMEOUT_MS", "500");
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("lib/auth with the store down", () => {
  it("reports users as unavailable instead of throwing or saying 'not found'", async () => {
    const { createUser, findUserByEmail, getUserById, updatePasswordHash } = await import("@/lib/auth/users");
    expect(await createUser({ email: "a@example.test", passwordHash: "h" })).toEqual({
      ok: false,
      reason: "unavailable",
    });
    expect(await findUserByEmail("a@example.test")).toEqual({ ok: false, reason: "unavailable" });
    expect(await getUserById("id")).toEqual({ ok: false, reason: "unavailable" });
    expect(await updatePasswordHash("id", "h")).toEqual({ ok: false, reason: "unavailable" });
  });

  it("denies sign-in attempts when the limiter cannot answer", async () => {
    const { checkLoginThrottle } = await import("@/lib/auth/rate-limit");
    expect(await checkLoginThrottle({ ip: "203.0.113.1", normalizedEmail: "a@example.test" })).toEqual({
      ok: false,
      reason: "unavailable",
    });
  });
});
