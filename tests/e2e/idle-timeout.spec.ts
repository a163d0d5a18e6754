/**
 * The idle warning against the server's real idle timeout. Needs a short timeout on the e2e server, so it runs only
 * when started with one (the rest of the suite assumes the defaults):
 *
 *   SESSION_IDLE_TIMEOUT_SECONDS=20 SESSION_TOUCH_INTERVAL_SECONDS=5 SESSION_IDLE_WARNING_SECONDS=10 \
 *     E2E_SKIP_BUILD=1 npx playwright test --config tests/playwright.config.ts tests/e2e/idle-timeout.spec.ts
 *
 * (Runtime settings: the last e2e build is reused.) With the default timeout it is skipped; tests/e2e/operations.spec.ts
 * covers the dialog with a fake browser clock instead.
 */
import { expectNoAxeViolations } from "./axe";
import { expect, test } from "./fixtures";

const IDLE_SECONDS = Number(process.env.SESSION_IDLE_TIMEOUT_SECONDS ?? 1800);
const WARNING_SECONDS = Number(process.env.SESSION_IDLE_WARNING_SECONDS ?? 60);

if (process.env.E2E_REQUIRE_SHORT_IDLE === "1" && IDLE_SECONDS > 60) {
  throw new Error(
    "idle-timeout.spec: npm test's playwright-idle step must start the server with a short timeout",
  );
}

test.describe("idle timeout (short, real)", () => {
  test.skip(
    IDLE_SECONDS > 60,
    "needs SESSION_IDLE_TIMEOUT_SECONDS ≤ 60 on the e2e server (see the file header)",
  );
  test.setTimeout((IDLE_SECONDS * 3 + 30) * 1000);

  test("the countdown follows the server's deadline and, left alone, ends in a sign-out", async ({
    signedInPage: page,
  }) => {
    const dialog = page.getByRole("dialog", { name: "Are you still there?" });
    await expect(dialog).toBeHidden();
    await expect(dialog).toBeVisible({ timeout: (IDLE_SECONDS - WARNING_SECONDS + 5) * 1000 });
    await expect(dialog).toContainText(/You will be signed out in 0:\d\d for inactivity/);
    await expect(page, "signed out when the server's session expired").toHaveURL(/\/login\?reason=expired/, {
      timeout: (WARNING_SECONDS + 10) * 1000,
    });
    await page.goto("/devices");
    await expect(page, "the session is really gone").toHaveURL(/\/login\?/);
  });

  test("Stay signed in, by keyboard, moves the server's deadline, and the session outlives the first one", async ({
    signedInPage: page,
  }) => {
    const started = Date.now();
    const dialog = page.getByRole("dialog", { name: "Are you still there?" });
    await expect(dialog).toBeVisible({ timeout: (IDLE_SECONDS - WARNING_SECONDS + 5) * 1000 });
    const stay = dialog.getByRole("button", { name: "Stay signed in" });
    await expect(stay, "the focus moves into the warning").toBeFocused();
    await expectNoAxeViolations(page, "idle warning");
    await page.keyboard.press("Enter");
    await expect(dialog).toBeHidden();
    // Past the first deadline, without any other request from this page.
    await page.waitForTimeout(Math.max(0, started + (IDLE_SECONDS + 2) * 1000 - Date.now()));
    await expect(page).toHaveURL(/\/devices$/);
    await page.goto("/account");
    await expect(page.getByRole("heading", { name: "Account" })).toBeVisible();
  });
});
