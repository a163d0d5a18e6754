/**
 * Smoke test of the production build: the home page renders and the health check sees the store.
 */
import { expect, test } from "@playwright/test";

test("the home page loads in Chromium", async ({ page }) => {
  const response = await page.goto("/");
  expect(response?.status(), "home page status").toBe(200);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
});

test("the health check reports a reachable session store", async ({ page }) => {
  const response = await page.goto("/api/health");
  expect(response?.status(), "health status").toBe(200);
  const body = (await response?.json()) as { status: string; store: string; latencyMs: number };
  expect(body).toMatchObject({ status: "ok", store: "reachable" });
  expect(typeof body.latencyMs).toBe("number");
  expect(response?.headers()["cache-control"]).toContain("no-store");
});

test("the health check answers 503 while Redis is stopped and 200 once it is back", async ({
  page,
  request,
}) => {
  const control = process.env.E2E_CONTROL_URL;
  if (control === undefined || control === "") throw new Error("e2e: E2E_CONTROL_URL is not set");
  expect((await request.post(`${control}/redis/stop`)).status(), "control: stop Redis").toBe(200);
  try {
    const started = Date.now();
    const down = await page.goto("/api/health");
    expect(Date.now() - started, "answered without hanging").toBeLessThan(5_000);
    expect(down?.status()).toBe(503);
    expect(await down?.json()).toMatchObject({ status: "unavailable" });
  } finally {
    expect((await request.post(`${control}/redis/start`)).status(), "control: start Redis").toBe(200);
  }
  await expect(async () => {
    const up = await page.goto("/api/health");
    expect(up?.status()).toBe(200);
  }).toPass({ timeout: 10_000 });
});
