import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Page } from "@playwright/test";
import {
  expect,
  expectSignedOut,
  fillLogin,
  newDevice,
  sessionCookie,
  signUp,
  test,
  uniqueEmail,
  USER_AGENTS,
} from "./fixtures";

function deviceList(page: Page): ReturnType<Page["getByRole"]> {
  return page.getByRole("list", { name: "Signed-in devices" }).getByRole("listitem");
}

function otherDevices(page: Page): ReturnType<Page["getByRole"]> {
  return deviceList(page).filter({ hasNot: page.getByText("This device", { exact: true }) });
}

test.describe("active devices", () => {
  test("device B signs out device A, and A is told why on its next navigation", async ({ openDevice }) => {
    const a = await openDevice(USER_AGENTS.desktopChrome);
    const b = await openDevice(USER_AGENTS.iphoneSafari);

    await b.page.goto("/devices");
    await expect(deviceList(b.page)).toHaveCount(2);
    const current = deviceList(b.page).filter({ has: b.page.getByText("This device", { exact: true }) });
    await expect(current, "B's own card is marked as this device").toHaveCount(1);
    await expect(current.getByText("Mobile", { exact: true })).toBeVisible();
    await expect(otherDevices(b.page).getByText("Desktop", { exact: true })).toBeVisible();
    await expect(b.page.getByText("Last active").first()).toBeVisible();
    await b.page.setViewportSize({ width: 1000, height: 1000 });
    // The README's screenshot: attached to every run, written into docs/ only when asked.
    const screenshot = await b.page.screenshot({ fullPage: true });
    await test.info().attach("devices.png", { body: screenshot, contentType: "image/png" });
    if (process.env.E2E_UPDATE_SCREENSHOT === "1") {
      writeFileSync(fileURLToPath(new URL("../../docs/devices.png", import.meta.url)), screenshot);
    }

    const card = otherDevices(b.page);
    await card.getByRole("button", { name: /^Sign out .+ on / }).click();
    await expect(card.getByRole("button", { name: "Cancel" }), "Cancel takes focus").toBeFocused();
    await card.getByRole("button", { name: /^Confirm sign out of / }).click();
    await expect(b.page.getByRole("status")).toHaveText("Signed out of 1 device.");
    await expect(deviceList(b.page)).toHaveCount(1);
    await expect(b.page.getByText("This is the only device signed in to your account.")).toBeVisible();

    await a.page.goto("/devices");
    await expectSignedOut(a.page, "You were signed out from another device");
    await expect(a.page).toHaveURL(/reason=revoked/);
  });

  test("a user cannot sign out another user's device, even with its id", async ({ browser, openDevice }) => {
    const victim = { email: uniqueEmail("victim"), password: "victim password 123" };
    const setup = await browser.newContext();
    await signUp(await setup.newPage(), victim);
    await setup.close();
    const victimLaptop = await newDevice(browser, victim, USER_AGENTS.desktopChrome);
    const victimPhone = await newDevice(browser, victim, USER_AGENTS.iphoneSafari);
    try {
      const victimSessionId = await otherDevices(victimPhone.page)
        .locator('input[name="sessionId"]')
        .inputValue();
      expect(victimSessionId, "the victim's laptop session id").not.toBe("");

      await openDevice(USER_AGENTS.macFirefox);
      const attacker = await openDevice(USER_AGENTS.windowsEdge);
      const card = otherDevices(attacker.page);
      await card.locator('input[name="sessionId"]').evaluate((input, id) => {
        (input as HTMLInputElement).value = id;
      }, victimSessionId);
      await card.getByRole("button", { name: /^Sign out .+ on / }).click();
      await card.getByRole("button", { name: /^Confirm sign out of / }).click();
      await expect(attacker.page.getByRole("status")).toHaveText("That device was already signed out.");

      await victimLaptop.page.goto("/devices");
      await expect(deviceList(victimLaptop.page), "both victim devices are still signed in").toHaveCount(2);
      await attacker.page.goto("/devices");
      await expect(deviceList(attacker.page), "the attacker's own devices are untouched").toHaveCount(2);
    } finally {
      await Promise.all([victimLaptop.context.close(), victimPhone.context.close()]);
    }
  });

  test("cancelling the confirm step signs nobody out", async ({ openDevice }) => {
    const a = await openDevice(USER_AGENTS.desktopChrome);
    const b = await openDevice(USER_AGENTS.macFirefox);
    const card = otherDevices(b.page);
    await card.getByRole("button", { name: /^Sign out .+ on / }).click();
    await card.getByRole("button", { name: "Cancel" }).click();
    await expect(card.getByRole("button", { name: /^Sign out .+ on / })).toBeFocused();
    await a.page.goto("/devices");
    await expect(deviceList(a.page)).toHaveCount(2);
  });

  test("a double-click on a sign-out button never confirms: the confirm button is never where the first press was", async ({
    openDevice,
  }) => {
    const a = await openDevice(USER_AGENTS.desktopChrome);
    const b = await openDevice(USER_AGENTS.iphoneSafari);
    const page = b.page;
    const asks = [
      otherDevices(page).getByRole("button", { name: /^Sign out .+ on / }),
      page.getByRole("button", { name: "Sign out of 1 other device" }),
      page.getByRole("button", { name: "Sign out everywhere" }),
    ];
    const confirms = page.getByRole("button", { name: /^Confirm sign out/ });
    const actionPosts: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST") actionPosts.push(request.url());
    });

    for (const ask of asks) {
      // Boxes are relative to the viewport: scroll first so that clicking does not move the page.
      await ask.scrollIntoViewIfNeeded();
      const box = await ask.boundingBox();
      if (box === null) throw new Error("the button has no box");
      // The lure of a framing page: "double-click here".
      await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
      await expect(ask, "the second click cancelled the step it opened").toBeFocused();
      await expect(confirms).toHaveCount(0);
      expect(actionPosts, "a double-click posted an action").toEqual([]);
      await expect(page).toHaveURL(/\/devices$/);
      await expect(deviceList(page), "a double-click signed nobody out").toHaveCount(2);

      // Anywhere on the button: Cancel covers the whole first button, the confirm button is clear of it.
      await ask.click();
      const cancel = page.getByRole("button", { name: "Cancel" });
      await expect(cancel, "Cancel takes focus").toBeFocused();
      const cancelBox = await cancel.boundingBox();
      const confirmBox = await confirms.boundingBox();
      if (cancelBox === null || confirmBox === null) throw new Error("the confirm step has no box");
      expect(cancelBox.x, "Cancel starts where the button was").toBeLessThanOrEqual(box.x + 0.5);
      expect(cancelBox.y).toBeLessThanOrEqual(box.y + 0.5);
      expect(cancelBox.x + cancelBox.width, "Cancel is at least as wide").toBeGreaterThanOrEqual(
        box.x + box.width - 0.5,
      );
      expect(cancelBox.y + cancelBox.height, "Cancel is at least as tall").toBeGreaterThanOrEqual(
        box.y + box.height - 0.5,
      );
      const overlaps =
        confirmBox.x < box.x + box.width &&
        box.x < confirmBox.x + confirmBox.width &&
        confirmBox.y < box.y + box.height &&
        box.y < confirmBox.y + confirmBox.height;
      expect(overlaps, "the confirm button overlaps the first button's place").toBe(false);
      await cancel.click();
      await expect(ask).toBeFocused();
    }

    await a.page.goto("/devices");
    await expect(deviceList(a.page), "the other device is still signed in").toHaveCount(2);
  });

  test("signing out of the other devices keeps this one", async ({ openDevice }) => {
    const a = await openDevice(USER_AGENTS.desktopChrome);
    const b = await openDevice(USER_AGENTS.iphoneSafari);
    const c = await openDevice(USER_AGENTS.macFirefox);

    // Keyboard only: Enter on the button puts focus on Cancel (a second Enter cannot confirm), Tab reaches the
    // confirm button, Enter confirms.
    await c.page.getByRole("button", { name: "Sign out of 2 other devices" }).focus();
    await c.page.keyboard.press("Enter");
    await expect(c.page.getByRole("button", { name: "Cancel" })).toBeFocused();
    await c.page.keyboard.press("Tab");
    await expect(c.page.getByRole("button", { name: "Confirm sign out of 2 other devices" })).toBeFocused();
    await c.page.keyboard.press("Enter");
    await expect(c.page.getByRole("status")).toHaveText("Signed out of 2 other devices.");
    await expect(deviceList(c.page)).toHaveCount(1);

    for (const other of [a, b]) {
      await other.page.goto("/account");
      await expectSignedOut(other.page, "You were signed out from another device");
    }
    await c.page.goto("/account");
    await expect(c.page.getByRole("heading", { name: "Account" })).toBeVisible();
  });

  test("signing out everywhere ends every session, this one included", async ({ openDevice, account }) => {
    const a = await openDevice(USER_AGENTS.desktopChrome);
    const b = await openDevice(USER_AGENTS.windowsEdge);

    await a.page.getByRole("button", { name: "Sign out everywhere" }).click();
    await a.page.getByRole("button", { name: "Confirm sign out everywhere" }).click();
    await expect(a.page).toHaveURL(/\/login\?signed_out=everywhere$/);
    await expect(a.page.getByRole("status")).toHaveText("You signed out of every device.");
    await expect(sessionCookie(a.context), "this browser's cookie is cleared").rejects.toThrow();

    // A background request (a router prefetch, another tab) is first to find B's session ended and clears
    // its cookie; B's own navigation must still be told why.
    const background = await b.page.evaluate(async () => (await fetch("/account")).url);
    expect(background).toContain("reason=revoked");
    await expect(sessionCookie(b.context), "the background request cleared B's cookie").rejects.toThrow();
    await b.page.goto("/devices");
    await expectSignedOut(b.page, "You were signed out from another device");

    // Signing in again drops the note.
    await fillLogin(b.page, account);
    await expect(b.page).toHaveURL(/\/devices$/);
    const names = (await b.context.cookies()).map((cookie) => cookie.name);
    expect(names.filter((name) => name.endsWith("-ended"))).toEqual([]);
  });

  test("with a cap of 3, a fourth sign-in evicts the oldest device, which is told why", async ({
    openDevice,
  }) => {
    const first = await openDevice(USER_AGENTS.desktopChrome);
    const second = await openDevice(USER_AGENTS.iphoneSafari);
    const third = await openDevice(USER_AGENTS.macFirefox);
    const fourth = await openDevice(USER_AGENTS.windowsEdge);

    await expect(deviceList(fourth.page), "the cap keeps three sessions").toHaveCount(3);

    await first.page.goto("/devices");
    await expectSignedOut(first.page, "You signed in on too many devices; this one was signed out");
    await expect(first.page).toHaveURL(/reason=evicted/);

    for (const kept of [second, third]) {
      await kept.page.goto("/devices");
      await expect(kept.page.getByText("This device", { exact: true })).toBeVisible();
    }
  });

  test("the header signs this device out", async ({ signedInPage }) => {
    await signedInPage
      .getByRole("navigation", { name: "Main" })
      .getByRole("button", { name: "Sign out" })
      .click();
    await expect(signedInPage).toHaveURL(/\/login\?signed_out=1$/);
    await signedInPage.goto("/devices");
    await expect(signedInPage).toHaveURL(/\/login\?next=%2Fdevices(&|$)/);
  });
});
