/**
 * Every page in the states users see, scanned by axe (WCAG 2.2 AA, light and dark), and what a screen reader
 * hears: live regions for results, device names on badges and buttons, table headers, exact times.
 * Keyboard stories: a11y-keyboard.spec.ts; small screens, zoom and motion: a11y-layout.spec.ts.
 */
import type { Page } from "@playwright/test";
import { expectNoAxeViolations } from "./axe";
import {
  createVerifiedAccount,
  expect,
  signIn,
  test,
  uniqueEmail,
  USER_AGENTS,
  type Account,
} from "./fixtures";

const ADMIN_EMAIL = process.env.E2E_A11Y_ADMIN_EMAIL ?? "";

async function submit(page: Page, button: string, path: string): Promise<void> {
  const answered = page.waitForResponse(
    (r) => r.request().method() === "POST" && new URL(r.url()).pathname === path,
  );
  await page.getByRole("button", { name: button }).click();
  await answered;
}

/** Opens a confirm step, scans it, cancels it. */
async function scanConfirmStep(page: Page, ask: string | RegExp, context: string): Promise<void> {
  await page.getByRole("button", { name: ask }).click();
  await expect(page.getByRole("button", { name: "Cancel" })).toBeFocused();
  await expectNoAxeViolations(page, context);
  await page.getByRole("button", { name: "Cancel" }).click();
}

test.describe("axe: no serious or critical WCAG 2.2 AA violations", () => {
  test("signed out: home, sign-in, sign-up, the notices and every form error", async ({ page }) => {
    await page.goto("/");
    await expectNoAxeViolations(page, "home, signed out");
    await page.goto("/login?reason=revoked");
    await expectNoAxeViolations(page, "sign-in with a signed-out notice");

    await page.goto("/login");
    await submit(page, "Sign in", "/login");
    await expect(page.getByText("Check the highlighted fields")).toBeVisible();
    await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
    await expectNoAxeViolations(page, "sign-in, empty fields");
    await page.getByLabel("Email").fill(uniqueEmail("nobody"));
    await page.getByLabel("Password").fill("not the password");
    await submit(page, "Sign in", "/login");
    await expect(page.getByRole("alert").filter({ hasText: "incorrect" })).toBeVisible();
    await expectNoAxeViolations(page, "sign-in, wrong password");

    await page.goto("/signup");
    await expectNoAxeViolations(page, "sign-up");
    await page.getByLabel("Email").fill("not-an-email");
    await page.getByLabel("Password", { exact: true }).fill("short");
    await page.getByLabel("Confirm password").fill("different");
    await submit(page, "Create account", "/signup");
    await expect(page.getByText("Check the highlighted fields")).toBeVisible();
    await expectNoAxeViolations(page, "sign-up, field errors");

    await page.goto("/not-me");
    await expectNoAxeViolations(page, "this wasn't me, incomplete link");
    await page.goto("/no-such-page");
    await expectNoAxeViolations(page, "not found");
  });

  test("account mail pages: forgot and reset password, check email, verify, email change, the dev mailbox", async ({
    page,
  }) => {
    await page.goto("/forgot-password");
    await expectNoAxeViolations(page, "forgot password");
    const email = uniqueEmail("a11y-reset");
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: /send/i }).click();
    await expect(page.getByRole("status").first()).toBeVisible();
    await expectNoAxeViolations(page, "forgot password, sent");
    await page.goto(`/mail?to=${encodeURIComponent(email)}`);
    await expect(page.getByRole("article").first()).toBeVisible();
    await expectNoAxeViolations(page, "dev mailbox with a mail");
    for (const [path, state] of [
      ["/check-email", "check your email"],
      ["/reset-password?token=not-a-token", "reset password, unusable link"],
      ["/verify-email?token=not-a-token", "verify email, unusable link"],
      ["/email-change/confirm?token=not-a-token", "email change confirm, unusable link"],
      ["/email-change/not-me?token=not-a-token", "email change revert, unusable link"],
    ] as const) {
      await page.goto(path);
      await expectNoAxeViolations(page, state);
    }
  });

  test("signed in: devices with several sessions, each confirm step, results, activity, outbox, account", async ({
    signedInPage: page,
    openDevice,
    account,
  }) => {
    await openDevice(USER_AGENTS.desktopChrome);
    await openDevice(USER_AGENTS.windowsEdge);
    await page.goto("/");
    await expectNoAxeViolations(page, "home, signed in");
    await page.goto("/devices");
    await expect(page.getByRole("list", { name: "Signed-in devices" }).getByRole("listitem")).toHaveCount(3);
    await expect(
      page.getByRole("region", { name: "Recent security activity" }).getByRole("row"),
    ).not.toHaveCount(0);
    await expectNoAxeViolations(page, "devices, three sessions and the activity log");
    await scanConfirmStep(page, "Sign out Chrome on Linux", "devices, confirm one device");
    await scanConfirmStep(page, "Sign out of 2 other devices", "devices, confirm the other devices");
    await scanConfirmStep(page, "Sign out everywhere", "devices, confirm everywhere");

    await page.getByRole("button", { name: "Sign out Chrome on Linux" }).click();
    await page.getByRole("button", { name: "Confirm sign out of Chrome on Linux" }).click();
    await expect(page.getByRole("status")).toHaveText("Signed out of 1 device.");
    await expectNoAxeViolations(page, "devices, after signing a device out");

    await page.goto("/outbox");
    await expect(page.getByRole("article", { name: "New sign-in notice" })).not.toHaveCount(0);
    await expectNoAxeViolations(page, "outbox with notices");
    await page.getByRole("link", { name: "This wasn't me" }).first().click();
    await expect(page.getByRole("button", { name: "Sign out that device" })).toBeVisible();
    await expectNoAxeViolations(page, "this wasn't me");

    await page.goto("/account");
    await expectNoAxeViolations(page, "account");
    await submit(page, "Change password", "/account");
    await expect(page.getByLabel("Current password")).toHaveAttribute("aria-invalid", "true");
    await expectNoAxeViolations(page, "account, empty fields");
    await page.getByLabel("Current password").fill(account.password);
    await page.getByLabel("New password", { exact: true }).fill("a new password 123");
    await page.getByLabel("Confirm new password").fill("a new password 123");
    await submit(page, "Change password", "/account");
    await expect(page.getByRole("status")).toHaveText("Password changed. Every other device was signed out.");
    await expectNoAxeViolations(page, "account, password changed");
  });

  test("the admin page", async ({ browser }) => {
    test.skip(
      ADMIN_EMAIL === "",
      "needs E2E_A11Y_ADMIN_EMAIL in ADMIN_EMAILS (tests/playwright.config.ts sets both)",
    );
    const admin: Account = { email: ADMIN_EMAIL, password: "admin password 123" };
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      // A retried test finds the account there already: createUser refuses, the sign-in below still works.
      await createVerifiedAccount(admin).catch(() => undefined);
      await signIn(page, admin);
      await page.goto("/admin");
      await expect(page.getByRole("heading", { name: "Admin", level: 1 })).toBeVisible();
      await expectNoAxeViolations(page, "admin");
      await page.getByLabel("Email").fill(admin.email);
      await page.getByRole("button", { name: "Find" }).click();
      await expect(page.getByRole("heading", { name: admin.email })).toBeVisible();
      await expectNoAxeViolations(page, "admin, a user's sessions and activity");
    } finally {
      await context.close();
    }
  });
});

test.describe("what a screen reader hears", () => {
  test("device cards, their badge and buttons name the device; times carry the exact time", async ({
    signedInPage: page,
    openDevice,
  }) => {
    await openDevice(USER_AGENTS.macFirefox);
    await page.goto("/devices");
    const devices = page.getByRole("list", { name: "Signed-in devices" });
    await expect(devices.getByRole("listitem", { name: "Chrome on Windows This device" })).toHaveCount(1);
    await expect(devices.getByRole("heading", { name: "Chrome on Windows This device" })).toBeVisible();
    await expect(devices.getByRole("listitem", { name: "Firefox on Mac OS", exact: true })).toHaveCount(1);
    await expect(page.getByRole("button", { name: "Sign out Firefox on Mac OS", exact: true })).toBeVisible();
    await expect(
      page.getByRole("button", { name: "Sign out", exact: true }),
      "no nameless sign-out",
    ).toHaveCount(1);

    const times = await page.locator("main time").evaluateAll((elements) =>
      elements.map((time) => ({
        dateTime: time.getAttribute("datetime") ?? "",
        title: time.getAttribute("title"),
        text: time.textContent ?? "",
      })),
    );
    expect(times.length, "device and activity times").toBeGreaterThan(4);
    for (const time of times) {
      expect(Number.isNaN(Date.parse(time.dateTime)), `dateTime "${time.dateTime}" is ISO`).toBe(false);
      expect(time.dateTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(time.text, "the exact time is in the text a screen reader reads").toMatch(
        /\d{4}, \d{1,2}:\d\d\s[AP]M UTC/,
      );
      if (time.title !== null) expect(time.text).toContain(time.title);
    }

    const activity = page.getByRole("table", { name: "Recent security activity" });
    const headers = activity.getByRole("columnheader");
    await expect(headers).toHaveText(["What", "Device", "IP", "When"]);
    for (const header of await headers.all()) await expect(header).toHaveAttribute("scope", "col");
    await expect(activity.getByRole("cell", { name: /^Signed in from a new device$/ })).toHaveCount(1);
  });

  test("results are announced by live regions that are in the page before the action", async ({
    signedInPage: page,
    openDevice,
  }) => {
    await openDevice(USER_AGENTS.desktopChrome);
    await page.goto("/devices");
    const region = page.locator('main [role="status"][aria-live="polite"]');
    await expect(region, "one live region, mounted empty").toHaveCount(1);
    await expect(region).toBeEmpty();
    await page.getByRole("button", { name: "Sign out Chrome on Linux" }).click();
    await page.getByRole("button", { name: "Confirm sign out of Chrome on Linux" }).click();
    await expect(region).toHaveText("Signed out of 1 device.");

    await page.goto("/account");
    const accountRegion = page
      .getByRole("region", { name: "Change password" })
      .locator('[role="status"][aria-live="polite"]');
    await expect(accountRegion, "the password form's live region, mounted empty").toHaveCount(1);
    await expect(
      page.getByRole("region", { name: "Change email" }).locator('[role="status"][aria-live="polite"]'),
      "the email form has its own",
    ).toHaveCount(1);
    await expect(accountRegion).toBeEmpty();
    await submit(page, "Change password", "/account");
    await expect(accountRegion).toHaveText("Check the highlighted fields");

    await page.goto("/login?signed_out=1");
    await expect(page.getByRole("status")).toHaveText("You signed out.");
    const formRegion = page.locator('main [aria-live="polite"]');
    await expect(formRegion).toHaveCount(1);
    await submit(page, "Sign in", "/login");
    await expect(formRegion.getByRole("alert")).toHaveText("Check the highlighted fields");
  });
});
