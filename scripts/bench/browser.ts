/**
 * Real Chromium (system /usr/bin/chromium via Playwright) for the flows that need a browser: sign-up, sign-in,
 * server actions from the devices page. Router prefetches are aborted in these pages so that a measured window
 * holds only the operation itself; prefetch cost is measured on its own with a plain request.
 */
import { randomBytes } from "node:crypto";
import { chromium, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { CHROMIUM_ARGS, SYSTEM_CHROMIUM } from "../chromium";

export type Account = { email: string; password: string };

export function newAccount(label: string): Account {
  return {
    email: `bench-${label}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}@example.test`,
    password: `pw-${randomBytes(9).toString("base64url")}`,
  };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? SYSTEM_CHROMIUM,
    args: CHROMIUM_ARGS,
  });
}

/** A context whose router prefetches are aborted (counted in `prefetchesAborted`). */
export async function openDevice(
  browser: Browser,
  baseURL: string,
): Promise<{ context: BrowserContext; page: Page; prefetchesAborted: () => number }> {
  const context = await browser.newContext({ baseURL });
  let aborted = 0;
  await context.route("**/*", async (route) => {
    if (route.request().headers()["next-router-prefetch"] !== undefined) {
      aborted += 1;
      await route.abort();
      return;
    }
    await route.continue();
  });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return { context, page, prefetchesAborted: () => aborted };
}

export async function signUp(page: Page, account: Account): Promise<void> {
  await page.goto("/signup");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password", { exact: true }).fill(account.password);
  await page.getByLabel("Confirm password").fill(account.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/check-email$/);
}

/** Fills the sign-in form on an already loaded /login; resolves once /devices has rendered. */
export async function submitLogin(page: Page, account: Account): Promise<void> {
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/devices$/);
  await page.getByRole("heading", { name: "Active devices" }).waitFor();
}

export async function signIn(page: Page, account: Account): Promise<void> {
  await page.goto("/login");
  await submitLogin(page, account);
}

/** `name=value` of the session cookie, for plain HTTP requests. */
export async function sessionCookieHeader(context: BrowserContext): Promise<string> {
  const found = (await context.cookies()).find(
    (cookie) => cookie.name === "__Host-session" || cookie.name === "session",
  );
  if (found === undefined) throw new Error("bench: no session cookie after sign-in");
  return `${found.name}=${found.value}`;
}
