import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { beforeAll, describe, expect, it } from "vitest";
import { createSessionKit } from "@/lib/session";
import { randomPrefix, testRedis } from "@/tests/support/redis";
import type * as MetricsRoute from "@/app/api/metrics/route";
import type * as CronRoute from "@/app/api/cron/cleanup/route";

const METRICS_TOKEN = "metrics-token-0123456789abcdef";
const CRON_SECRET = "cron-secret-0123456789abcdefgh";
let metricsRoute: typeof MetricsRoute;
let cronRoute: typeof CronRoute;

beforeAll(async () => {
  process.env.SESSION_KEY_PREFIX = randomPrefix("ops");
  metricsRoute = await import("@/app/api/metrics/route");
  cronRoute = await import("@/app/api/cron/cleanup/route");
});

function get(path: string, token?: string): Request {
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  return new Request(`http://localhost${path}`, { headers });
}

describe("GET /api/metrics", () => {
  it("is 404 while METRICS_TOKEN is unset, 401 without the right bearer token", async () => {
    delete process.env.METRICS_TOKEN;
    expect((await metricsRoute.GET(get("/api/metrics", METRICS_TOKEN))).status).toBe(404);
    process.env.METRICS_TOKEN = METRICS_TOKEN;
    expect((await metricsRoute.GET(get("/api/metrics"))).status).toBe(401);
    expect((await metricsRoute.GET(get("/api/metrics", `${METRICS_TOKEN}x`))).status).toBe(401);
  });

  it("serves the app's metrics in Prometheus text format", async () => {
    process.env.METRICS_TOKEN = METRICS_TOKEN;
    const kit = createSessionKit({ metrics: true });
    for (const user of ["ops-1", "ops-2", "ops-2"]) {
      const created = await kit.createSession({ userId: user, device: { userAgent: "UA" } });
      expect(created.ok).toBe(true);
    }
    await kit.recordFailedSignIn();
    const response = await metricsRoute.GET(get("/api/metrics", METRICS_TOKEN));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    const families = parsePrometheusTextFormat(await response.text());
    const sample = (name: string): number =>
      Number(families.find((f) => f.name === name)?.metrics[0]?.value ?? Number.NaN);
    expect(sample("session_active_sessions")).toBe(3);
    expect(sample("session_created_total")).toBe(3);
    expect(sample("session_failed_sign_ins_total")).toBe(1);
    expect(sample("session_concurrent_sessions_per_user_max")).toBe(2);
  });
});

describe("GET /api/cron/cleanup", () => {
  it("is 404 without CRON_SECRET, 401 with a wrong secret, and runs the cleanup with the right one", async () => {
    delete process.env.CRON_SECRET;
    expect((await cronRoute.GET(get("/api/cron/cleanup", CRON_SECRET))).status).toBe(404);
    process.env.CRON_SECRET = CRON_SECRET;
    expect((await cronRoute.GET(get("/api/cron/cleanup", "nope"))).status).toBe(401);
    const prefix = process.env.SESSION_KEY_PREFIX ?? "";
    await testRedis().zadd(`${prefix}{ops-cron}:idx`, { score: 1, member: "a".repeat(64) });
    const response = await cronRoute.GET(get("/api/cron/cleanup", CRON_SECRET));
    expect(response.status).toBe(200);
    const report = (await response.json()) as { complete: boolean; prunedIndexEntries: number };
    expect(report.complete).toBe(true);
    expect(report.prunedIndexEntries).toBe(1);
  });
});
