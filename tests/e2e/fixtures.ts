/**
 * Playwright fixtures for the user stories: `account` creates a fresh, verified user (unique email) directly in
 * the app's user store (the stories that are not about signing up do not pay for it; `signUp` goes through the
 * sign-up page and the verification link in the dev mailbox); `signIn` and `newDevice` give real sessions in real
 * browser contexts, each with its own user agent so the devices page can tell them apart.
 */
import { randomBytes } from "node:crypto";
import {
  expect,
  test as base,
  type Browser,
  type BrowserContext,
  type Cookie,
  type Page,
} from "@playwright/test";
import { hashPassword } from "../../lib/auth/password";
import { createUser } from "../../lib/auth/users";

export type Account = { email: string; password: string };
export type Device = { context: BrowserContext; page: Page };

export const USER_AGENTS = {
  desktopChrome:
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
  iphoneSafari:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  macFirefox: "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0",
  windowsEdge:
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
} as const;

export function uniqueEmail(label = "user"): string {
  return `${label}-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}@example.test`;
}

/** Fills and sends the sign-up form; it answers "Check your email" for any address. */
export async function submitSignUp(page: Page, account: Account): Promise<void> {
  await page.goto("/signup");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password", { exact: true }).fill(account.password);
  await page.getByLabel("Confirm password").fill(account.password);
  await page.getByRole("button", { name: "Create account" }).click();
}

/** Opens the link of the newest mail to `email` with this subject, from the dev mailbox (/mail). */
export async function openMailLink(page: Page, email: string, subject: string): Promise<void> {
  await page.goto(`/mail?to=${encodeURIComponent(email)}`);
  const mail = page.getByRole("article", { name: subject }).first();
  await expect(mail, `a mail "${subject}" to ${email}`).toBeVisible();
  await mail.getByRole("link", { name: "Open the link" }).click();
}

/** Signs up through the sign-up page and verifies the email with the link from the dev mailbox. */
export async function signUp(page: Page, account: Account): Promise<void> {
  await submitSignUp(page, account);
  await expect(page, "sign-up should ask to check the email").toHaveURL(/\/check-email$/);
  await openMailLink(page, account.email, "Verify your email");
  await page.getByRole("button", { name: "Verify email" }).click();
  await expect(page, "verifying should land on the sign-in page").toHaveURL(/\/login\?verified=1$/);
}

/** A verified user written straight into the app's user store, as a sign-up and its verification would. */
export async function createVerifiedAccount(account: Account): Promise<void> {
  const created = await createUser({
    email: account.email,
    passwordHash: await hashPassword(account.password),
    verified: true,
  });
  if (!created.ok) throw new Error(`fixtures: createUser failed (${created.reason})`);
}

export async function fillLogin(
  page: Page,
  account: Account,
  options: { remember?: boolean } = {},
): Promise<void> {
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  if (options.remember === true) await page.getByLabel("Remember me").check();
  // Wait for the action's answer: an earlier error message may still be on screen, and React resets the form
  // when the action settles, which would wipe fields typed in the meantime.
  const answered = page.waitForResponse(
    (response) => response.request().method() === "POST" && new URL(response.url()).pathname === "/login",
  );
  await page.getByRole("button", { name: "Sign in" }).click();
  await answered;
  // The response's headers arrive before React has applied its result and reset the form: wait until the
  // form is no longer pending (or the page navigated away), so the next fill cannot be wiped.
  await expect(page.getByRole("button", { name: "Signing in…" })).toHaveCount(0);
}

/** Signs in from /login and waits for the devices page (the default destination). */
export async function signIn(
  page: Page,
  account: Account,
  options: { remember?: boolean } = {},
): Promise<void> {
  await page.goto("/login");
  await fillLogin(page, account, options);
  await expect(page, "a successful sign-in should land on /devices").toHaveURL(/\/devices$/);
  await expect(page.getByRole("heading", { name: "Active devices" })).toBeVisible();
}

/** A new browser context (a separate "device") signed in as `account`. */
export async function newDevice(
  browser: Browser,
  account: Account,
  userAgent: string,
  options: { remember?: boolean } = {},
): Promise<Device> {
  const context = await browser.newContext({ userAgent });
  const page = await context.newPage();
  await signIn(page, account, options);
  return { context, page };
}

export async function sessionCookie(context: BrowserContext): Promise<Cookie> {
  const cookies = await context.cookies();
  const found = cookies.find((cookie) => cookie.name === "__Host-session" || cookie.name === "session");
  if (found === undefined) {
    throw new Error(`no session cookie in this context (cookies: ${cookies.map((c) => c.name).join(", ")})`);
  }
  return found;
}

/** Expects `page` to be on the sign-in page because it was signed out for `reason`. */
export async function expectSignedOut(page: Page, message: string | RegExp): Promise<void> {
  await expect(page, "a signed-out device should land on /login").toHaveURL(/\/login\?/);
  await expect(page.getByRole("status").filter({ hasText: message })).toBeVisible();
}

type Fixtures = {
  /** A freshly signed-up user with a unique email (not signed in anywhere yet). */
  account: Account;
  /** The default page, signed in as `account`. */
  signedInPage: Page;
  /** Opens another signed-in device for `account`; every device opened is closed after the test. */
  openDevice: (userAgent: string, options?: { remember?: boolean }) => Promise<Device>;
};

export const test = base.extend<Fixtures>({
  account: async ({}, provide) => {
    const account: Account = { email: uniqueEmail(), password: `pw-${randomBytes(9).toString("base64url")}` };
    await createVerifiedAccount(account);
    await provide(account);
  },
  signedInPage: async ({ page, account }, provide) => {
    await signIn(page, account);
    await provide(page);
  },
  openDevice: async ({ browser, account }, provide) => {
    const opened: BrowserContext[] = [];
    await provide(async (userAgent, options) => {
      const device = await newDevice(browser, account, userAgent, options);
      opened.push(device.context);
      return device;
    });
    await Promise.all(opened.map((context) => context.close()));
  },
});

export { expect };
