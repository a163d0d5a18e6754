/**
 * Step-up ("sudo mode") against the server's real window. Needs a short window on the e2e server, so it runs only
 * when started with one (the rest of the suite assumes the default 600 s, inside which a fresh sign-in never asks):
 *
 *   SESSION_REAUTH_WINDOW_SECONDS=8 E2E_SKIP_BUILD=1 \
 *     npx playwright test --config tests/playwright.config.ts tests/e2e/step-up.spec.ts
 *
 * (Runtime setting: the last e2e build is reused.) The server-side refusal itself is proved for every action by
 * tests/integration/auth-step-up-actions.test.ts.
 */
import type { Page } from "@playwright/test";
import { expectNoAxeViolations } from "./axe";
import { expect, expectSignedOut, test, USER_AGENTS } from "./fixtures";

const WINDOW_SECONDS = Number(process.env.SESSION_REAUTH_WINDOW_SECONDS ?? 600);

if (process.env.E2E_REQUIRE_SHORT_REAUTH === "1" && WINDOW_SECONDS > 30) {
  throw new Error("step-up.spec: npm test's step for it must start the server with a short reauth window");
}

function otherDevices(page: Page): ReturnType<Page["getByRole"]> {
  return page
    .getByRole("list", { name: "Signed-in devices" })
    .getByRole("listitem")
    .filter({ hasNot: page.getByText("This device", { exact: true }) });
}

/** Lets this device's sudo mode (its sign-in, or its last confirmation) run out. */
async function outlastWindow(page: Page): Promise<void> {
  await page.waitForTimeout((WINDOW_SECONDS + 1) * 1000);
}

test.describe("step-up re-authentication (short window, real)", () => {
  test.skip(
    WINDOW_SECONDS > 30,
    "needs SESSION_REAUTH_WINDOW_SECONDS ≤ 30 on the e2e server (see the file header)",
  );
  test.setTimeout((WINDOW_SECONDS * 3 + 60) * 1000);

  test("sudo mode expires, the dialog asks (keyboard only) and completes the sign-out it interrupted", async ({
    signedInPage: page,
    account,
    openDevice,
  }) => {
    const other = await openDevice(USER_AGENTS.desktopChrome);
    await outlastWindow(page);
    await page.goto("/devices");

    const card = otherDevices(page);
    await card.getByRole("button", { name: /^Sign out/ }).focus();
    await page.keyboard.press("Enter");
    const confirm = card.getByRole("button", { name: /^Confirm sign out of / });
    await confirm.focus();
    await page.keyboard.press("Enter");

    const dialog = page.getByRole("dialog", { name: "Confirm your password" });
    await expect(dialog).toBeVisible();
    const password = dialog.getByLabel("Password");
    await expect(password, "focus moves into the dialog").toBeFocused();
    await expectNoAxeViolations(page, "step-up dialog");
    await page.keyboard.type("not the password");
    await page.keyboard.press("Enter");
    await expect(dialog.getByRole("alert")).toHaveText("That password is incorrect");
    await expect(password, "focus goes back to the field after an error").toBeFocused();
    await expect(password).toHaveAttribute("aria-invalid", "true");
    await expectNoAxeViolations(page, "step-up dialog, wrong password");
    await expect(otherDevices(page), "nothing was signed out yet").toHaveCount(1);

    await page.keyboard.type(account.password);
    await page.keyboard.press("Enter");
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("status")).toHaveText("Signed out of 1 device.");
    await expect(otherDevices(page)).toHaveCount(0);
    await other.page.goto("/devices");
    await expectSignedOut(other.page, "You were signed out from another device");
  });

  test("inside the window no password is asked; after it, again; Escape cancels and changes nothing", async ({
    signedInPage: page,
    account,
    openDevice,
  }) => {
    const first = await openDevice(USER_AGENTS.desktopChrome);
    const second = await openDevice(USER_AGENTS.macFirefox);
    await outlastWindow(page);
    await page.goto("/devices");
    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    const everywhere = page.getByRole("button", { name: "Confirm sign out everywhere" });
    await everywhere.click();
    const dialog = page.getByRole("dialog", { name: "Confirm your password" });
    await expect(dialog).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(everywhere, "focus returns to what opened the dialog").toBeFocused();
    await first.page.goto("/devices");
    await expect(
      first.page.getByRole("heading", { name: "Active devices" }),
      "cancelled: still signed in",
    ).toBeVisible();
    await page.getByRole("button", { name: "Cancel" }).click();

    const signOutOne = async (): Promise<void> => {
      const card = otherDevices(page).first();
      await card.getByRole("button", { name: /^Sign out/ }).click();
      await card.getByRole("button", { name: /^Confirm sign out of / }).click();
    };
    await signOutOne();
    await dialog.getByLabel("Password").fill(account.password);
    await dialog.getByRole("button", { name: "Confirm password" }).click();
    await expect(page.getByRole("status")).toHaveText("Signed out of 1 device.");
    // Confirmed once: the next sensitive action inside the window runs at once.
    await signOutOne();
    await expect(page.getByRole("status")).toHaveText("Signed out of 1 device.");
    await expect(otherDevices(page)).toHaveCount(0);
    await expect(dialog, "inside the window: not asked").toBeHidden();

    // The window ran out again: asked again.
    const third = await openDevice(USER_AGENTS.windowsEdge);
    await outlastWindow(page);
    await page.reload();
    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    await page.getByRole("button", { name: "Confirm sign out everywhere" }).click();
    await expect(dialog, "after the window: asked again").toBeVisible();
    await dialog.getByLabel("Password").fill(account.password);
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/login\?signed_out=everywhere$/);
    await third.page.goto("/devices");
    await expectSignedOut(third.page, "You were signed out from another device");
    await second.page.goto("/devices");
    await expect(second.page).toHaveURL(/\/login\?/);
  });
});
