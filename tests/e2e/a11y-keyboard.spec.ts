/**
 * Keyboard-only stories: Tab, Shift+Tab, Enter, Space, Escape and typing, never a click. Every Tab stop must show
 * its focus; a confirm step takes the focus and gives it back; Escape cancels it.
 */
import { expectNoAxeViolations } from "./axe";
import { expect, signIn, test, USER_AGENTS } from "./fixtures";
import { expectFocusVisible, tabTo } from "./keyboard";

const IDLE_SECONDS = 1800; // the e2e server runs with the default idle timeout
const WARNING_SECONDS = 60; // default SESSION_IDLE_WARNING_SECONDS

test.describe("with the keyboard alone", () => {
  test("sign in: the skip link leads to the form, Enter submits", async ({ page, account }) => {
    await page.goto("/login");
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to content" });
    await expect(skip, "the first Tab stop is the skip link").toBeFocused();
    await expect(skip).toBeInViewport();
    await expectFocusVisible(page, "skip link");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab");
    await expect(page.getByLabel("Email"), "the skip link jumps over the header").toBeFocused();
    await page.keyboard.type(account.email);
    await page.keyboard.press("Tab");
    await expect(page.getByLabel("Password")).toBeFocused();
    await page.keyboard.type(account.password);
    await page.keyboard.press("Tab");
    await expect(page.getByLabel("Remember me")).toBeFocused();
    await expectFocusVisible(page, "checkbox");
    await page.keyboard.press("Space");
    await expect(page.getByLabel("Remember me")).toBeChecked();
    await tabTo(page, page.getByRole("button", { name: "Sign in" }));
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/devices$/);
    await expect(page.getByRole("heading", { name: "Active devices" })).toBeVisible();
  });

  test("sign out a device: Enter asks, Escape cancels and returns the focus, Tab and Enter confirm", async ({
    signedInPage: page,
    openDevice,
  }) => {
    await openDevice(USER_AGENTS.desktopChrome);
    await page.goto("/devices");
    const devices = page.getByRole("list", { name: "Signed-in devices" }).getByRole("listitem");
    await expect(devices).toHaveCount(2);
    const posts: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST") posts.push(request.url());
    });
    const ask = page.getByRole("button", { name: "Sign out Chrome on Linux" });
    await tabTo(page, ask);
    await page.keyboard.press("Enter");
    const cancel = page.getByRole("button", { name: "Cancel" });
    await expect(cancel, "the confirm step takes the focus").toBeFocused();
    await expectFocusVisible(page, "Cancel");
    await page.keyboard.press("Escape");
    await expect(ask, "Escape cancels and gives the focus back").toBeFocused();
    await expect(page.getByRole("button", { name: /^Confirm/ })).toHaveCount(0);
    expect(posts, "cancelling posted nothing").toEqual([]);

    await page.keyboard.press("Enter");
    await expect(cancel).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(page.getByRole("button", { name: "Confirm sign out of Chrome on Linux" })).toBeFocused();
    await expectFocusVisible(page, "confirm");
    await page.keyboard.press("Enter");
    await expect(page.getByRole("status")).toHaveText("Signed out of 1 device.");
    await expect(devices).toHaveCount(1);
    await expect(
      page.getByRole("list", { name: "Signed-in devices" }),
      "the focus stays on the list, not lost to the page",
    ).toBeFocused();
  });

  test("sign out everywhere: Escape cancels the first time, Enter confirms the second", async ({
    signedInPage: page,
    openDevice,
  }) => {
    await openDevice(USER_AGENTS.windowsEdge);
    await page.goto("/devices");
    const ask = page.getByRole("button", { name: "Sign out everywhere" });
    await tabTo(page, ask);
    await page.keyboard.press("Enter");
    await expect(page.getByRole("button", { name: "Cancel" })).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(ask).toBeFocused();
    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab");
    await expect(page.getByRole("button", { name: "Confirm sign out everywhere" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/login\?signed_out=everywhere$/);
    await expect(page.getByRole("status")).toHaveText("You signed out of every device.");
  });

  test("change the password, then answer the idle warning: focus goes in, Escape stays, focus comes back", async ({
    page,
    account,
  }) => {
    await page.clock.install();
    await signIn(page, account);
    await page.goto("/account");
    await tabTo(page, page.getByLabel("Current password"));
    await page.keyboard.type(account.password);
    await page.keyboard.press("Tab");
    await expect(page.getByLabel("New password", { exact: true })).toBeFocused();
    await page.keyboard.type("a brand new password 42");
    await page.keyboard.press("Tab");
    const confirm = page.getByLabel("Confirm new password");
    await expect(confirm).toBeFocused();
    await page.keyboard.type("a brand new password 42");
    await page.keyboard.press("Enter");
    await expect(page.getByRole("status")).toHaveText("Password changed. Every other device was signed out.");
    await expect(confirm, "the focus stays where the user was").toBeFocused();

    await page.clock.fastForward((IDLE_SECONDS - WARNING_SECONDS + 5) * 1000);
    const dialog = page.getByRole("dialog", { name: "Are you still there?" });
    await expect(dialog).toBeVisible();
    const stay = dialog.getByRole("button", { name: "Stay signed in" });
    await expect(stay, "the focus moves into the dialog").toBeFocused();
    await expectFocusVisible(page, "Stay signed in");
    await expectNoAxeViolations(page, "idle warning");
    await page.keyboard.press("Tab");
    await expect(dialog.getByRole("button", { name: "Sign out" })).toBeFocused();
    await page.keyboard.press("Shift+Tab");
    await expect(stay).toBeFocused();

    const touched = page.waitForResponse(
      (r) => new URL(r.url()).pathname === "/api/session" && r.request().method() === "POST",
    );
    await page.keyboard.press("Escape");
    expect((await touched).status(), "Escape keeps the session, as Stay signed in does").toBe(200);
    await expect(dialog).toBeHidden();
    await expect(confirm, "the focus is back where the warning interrupted").toBeFocused();
    await page.goto("/account");
    await expect(page.getByRole("heading", { name: "Account" })).toBeVisible();
  });
});
