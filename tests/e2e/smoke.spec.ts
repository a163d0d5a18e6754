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
