import {
  expect,
  expectSignedOut,
  fillLogin,
  openMailLink,
  signIn,
  submitSignUp,
  test,
  uniqueEmail,
  USER_AGENTS,
  type Account,
} from "./fixtures";

const NEW_PASSWORD = "velvet otter lantern 42";
const TOO_COMMON = /^This password is too common or too easy to guess/;

test.describe("verified sign-up", () => {
  test("a new user signs up, opens the link from the mail, and only then signs in", async ({ page }) => {
    const account: Account = { email: uniqueEmail("verify"), password: "correct horse battery" };
    await submitSignUp(page, account);
    await expect(page).toHaveURL(/\/check-email$/);
    await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();

    await page.goto("/login");
    await fillLogin(page, account);
    await expect(page.getByRole("main").getByRole("alert")).toHaveText(/^Verify your email first/);

    await openMailLink(page, account.email, "Verify your email");
    await expect(page).toHaveURL(/\/verify-email\?token=/);
    const link = page.url();
    await page.getByRole("button", { name: "Verify email" }).click();
    await expect(page.getByRole("main").getByRole("status")).toHaveText(
      "Your email is verified. Sign in to continue.",
    );
    await signIn(page, account);

    // The link works once.
    await page.goto(link);
    await page.getByRole("button", { name: "Verify email" }).click();
    await expect(page.getByRole("main").getByRole("alert")).toHaveText(/not valid any more/);
  });

  test("signing up with a registered address shows the same page as a new one, and mails the owner", async ({
    page,
    account,
  }) => {
    await submitSignUp(page, { email: uniqueEmail("new"), password: "another phrase entirely 77" });
    await expect(page).toHaveURL(/\/check-email$/);
    const forNew = await page.getByRole("main").innerText();

    await submitSignUp(page, { email: account.email.toUpperCase(), password: "another phrase entirely 77" });
    await expect(page).toHaveURL(/\/check-email$/);
    expect(await page.getByRole("main").innerText(), "the same page for a registered address").toBe(forNew);

    await page.goto(`/mail?to=${encodeURIComponent(account.email)}`);
    const mail = page.getByRole("article", { name: "Someone tried to create an account with your email" });
    await expect(mail).toContainText("sign in");
    await expect(mail).toContainText("reset your password");
    await signIn(page, account);
  });

  test("a common password is refused with a clear message", async ({ page }) => {
    await submitSignUp(page, { email: uniqueEmail("common"), password: "password123" });
    await expect(page.getByText(TOO_COMMON)).toBeVisible();
    await expect(page.getByLabel("Password", { exact: true })).toHaveAttribute("aria-invalid", "true");
    await expect(page).toHaveURL(/\/signup$/);
  });
});

test.describe("forgot password", () => {
  test("a reset from a new browser signs the other device out, tells it why, and signs this browser in", async ({
    browser,
    account,
    openDevice,
  }) => {
    const other = await openDevice(USER_AGENTS.desktopChrome);
    const context = await browser.newContext({ userAgent: USER_AGENTS.iphoneSafari });
    const page = await context.newPage();
    await page.goto("/login");
    await page.getByRole("link", { name: "Forgot password?" }).click();
    await expect(page.getByRole("heading", { name: "Forgot your password?" })).toBeVisible();
    await page.getByLabel("Email").fill(account.email);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await expect(page.getByRole("status")).toHaveText(/^Check your email\./);

    await openMailLink(page, account.email, "Reset your password");
    await page.getByLabel("New password", { exact: true }).fill("password123");
    await page.getByLabel("Confirm new password").fill("password123");
    await page.getByRole("button", { name: "Reset password" }).click();
    await expect(page.getByText(TOO_COMMON), "a common password is refused here too").toBeVisible();

    await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("Confirm new password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Reset password" }).click();
    await expect(page).toHaveURL(/\/devices$/);
    const devices = page.getByRole("list", { name: "Signed-in devices" }).getByRole("listitem");
    await expect(devices, "this browser is the only one signed in").toHaveCount(1);

    await other.page.goto("/devices");
    await expectSignedOut(other.page, "Your password was reset; please sign in with the new one");
    await expect(other.page).toHaveURL(/reason=password_reset/);
    await fillLogin(other.page, account);
    await expect(other.page.getByRole("main").getByRole("alert")).toHaveText(
      "Email or password is incorrect",
    );

    await page.goto(`/mail?to=${encodeURIComponent(account.email)}`);
    await expect(page.getByRole("article", { name: "Your password was changed" })).toBeVisible();
    await context.close();
  });

  test("the reset works while strangers have closed the account's sign-in window", async ({
    browser,
    account,
  }) => {
    const stranger = await browser.newContext({ userAgent: USER_AGENTS.windowsEdge });
    const guessing = await stranger.newPage();
    await guessing.goto("/login");
    const alert = guessing.getByRole("main").getByRole("alert");
    let throttled = false;
    for (let attempt = 1; attempt <= 12 && !throttled; attempt += 1) {
      await fillLogin(guessing, { email: account.email, password: `guess-${attempt}` });
      throttled = (await alert.textContent())?.startsWith("Too many") === true;
    }
    expect(throttled, "the account's window should close within 12 attempts").toBe(true);
    await stranger.close();

    const owner = await browser.newContext({ userAgent: USER_AGENTS.macFirefox });
    const page = await owner.newPage();
    await page.goto("/login");
    await fillLogin(page, account);
    await expect(page.getByRole("main").getByRole("alert"), "a new browser waits").toHaveText(/^Too many/);

    await page.goto("/forgot-password");
    await page.getByLabel("Email").fill(account.email);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await expect(page.getByRole("status")).toHaveText(/^Check your email\./);
    await openMailLink(page, account.email, "Reset your password");
    await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("Confirm new password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Reset password" }).click();
    await expect(page).toHaveURL(/\/devices$/);
    await expect(page.getByRole("heading", { name: "Active devices" })).toBeVisible();
    await owner.close();
  });
});
