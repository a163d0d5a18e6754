import { expect, expectSignedOut, test, USER_AGENTS } from "./fixtures";

const IDLE_SECONDS = 1800; // the e2e server runs with the default idle timeout
const WARNING_SECONDS = 60; // default SESSION_IDLE_WARNING_SECONDS

test.describe("security activity and new-device notices", () => {
  test('a sign-in from a new device sends a notice whose "This wasn\'t me" link signs that device out once', async ({
    openDevice,
  }) => {
    const mine = await openDevice(USER_AGENTS.desktopChrome);
    const intruder = await openDevice(USER_AGENTS.macFirefox);

    // The dev outbox shows what an email provider would have sent to the account's owner.
    await mine.page.goto("/outbox");
    const notice = mine.page.getByRole("article", { name: "New sign-in notice" });
    await expect(notice, "one notice: the first sign-in ever is not announced").toHaveCount(1);
    await expect(notice).toContainText("Firefox on Mac OS");
    await notice.getByRole("link", { name: "This wasn't me" }).click();
    await expect(mine.page).toHaveURL(/\/not-me\?token=/);
    const reportUrl = mine.page.url();

    await mine.page.getByRole("button", { name: "Sign out that device" }).click();
    await expect(mine.page.getByRole("status")).toHaveText(
      "We signed out that device. Now change your password so it cannot sign in again.",
    );
    await expect(mine.page.getByRole("link", { name: "Change your password" })).toBeVisible();

    await intruder.page.goto("/devices");
    await expectSignedOut(intruder.page, "You were signed out from another device");

    // Single use: the same link again is refused.
    await mine.page.goto(reportUrl);
    await mine.page.getByRole("button", { name: "Sign out that device" }).click();
    await expect(mine.page.getByRole("alert").filter({ hasText: "already used" })).toBeVisible();

    // The devices page tells the story, newest first.
    await mine.page.goto("/devices");
    const activity = mine.page.getByRole("region", { name: "Recent security activity" });
    const rows = activity.getByRole("row");
    await expect(rows.nth(1)).toContainText("Device signed out");
    await expect(rows.nth(1)).toContainText("Firefox on Mac OS");
    await expect(rows.nth(2)).toContainText("Signed in from a new device");
    await expect(rows.nth(3)).toContainText("Signed in");
    await expect(rows.nth(3)).toContainText("Chrome on Linux");
  });

  test("a failed sign-in attempt on the account shows in its security activity", async ({
    browser,
    account,
    signedInPage,
  }) => {
    const context = await browser.newContext({ userAgent: USER_AGENTS.windowsEdge });
    const page = await context.newPage();
    await page.goto("/login");
    await page.getByLabel("Email").fill(account.email);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Email or password is incorrect" })).toBeVisible();
    await context.close();

    await signedInPage.goto("/devices");
    const activity = signedInPage.getByRole("region", { name: "Recent security activity" });
    await expect(activity.getByRole("row").nth(1)).toContainText("Failed sign-in attempt");
    await expect(activity.getByRole("row").nth(1)).toContainText("Edge on Windows");
  });
});

test.describe("in the browser", () => {
  test("before the idle timeout a dialog counts down; Stay signed in keeps the session", async ({
    page,
    account,
  }) => {
    await page.clock.install();
    const { signIn } = await import("./fixtures");
    await signIn(page, account);
    const dialog = page.getByRole("dialog", { name: "Are you still there?" });
    await expect(dialog).toBeHidden();

    await page.clock.fastForward((IDLE_SECONDS - WARNING_SECONDS + 5) * 1000);
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText(/You will be signed out in 0:[0-5]\d for inactivity/);

    const touched = page.waitForResponse(
      (r) => r.url().endsWith("/api/session") && r.request().method() === "POST",
    );
    await dialog.getByRole("button", { name: "Stay signed in" }).click();
    expect((await touched).status()).toBe(200);
    await expect(dialog, "the server's real deadline is far away again").toBeHidden();
    await page.goto("/devices");
    await expect(page.getByRole("heading", { name: "Active devices" })).toBeVisible();
  });

  test("Sign out in the idle dialog signs out every tab of the browser at once", async ({
    page,
    account,
  }) => {
    await page.clock.install();
    const { signIn } = await import("./fixtures");
    await signIn(page, account);
    const other = await page.context().newPage();
    await other.goto("/account");
    await expect(other.getByRole("heading", { name: "Account" })).toBeVisible();

    await page.clock.fastForward((IDLE_SECONDS - WARNING_SECONDS + 5) * 1000);
    const dialog = page.getByRole("dialog", { name: "Are you still there?" });
    await dialog.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login\?signed_out=1$/);
    await expect(other, "the other tab follows over BroadcastChannel").toHaveURL(/\/login\?signed_out=1$/);
  });

  test("signing out from the header signs out the other tabs too", async ({ signedInPage }) => {
    const other = await signedInPage.context().newPage();
    await other.goto("/account");
    await expect(other.getByRole("heading", { name: "Account" })).toBeVisible();
    await signedInPage
      .getByRole("navigation", { name: "Main" })
      .getByRole("button", { name: "Sign out" })
      .click();
    await expect(signedInPage).toHaveURL(/\/login\?signed_out=1$/);
    await expect(other).toHaveURL(/\/login\?signed_out=1$/);
  });

  test("a revoked device's open tab notices when it regains focus", async ({ openDevice }) => {
    const a = await openDevice(USER_AGENTS.desktopChrome);
    const b = await openDevice(USER_AGENTS.iphoneSafari);
    await b.page.goto("/devices");
    await b.page.getByRole("button", { name: "Sign out of 1 other device" }).click();
    await b.page.getByRole("button", { name: "Confirm sign out of 1 other device" }).click();
    await expect(b.page.getByRole("status")).toHaveText("Signed out of 1 other device.");

    await a.page.evaluate(() => window.dispatchEvent(new Event("focus")));
    await expect(a.page).toHaveURL(/\/login\?reason=revoked/);
  });
});
