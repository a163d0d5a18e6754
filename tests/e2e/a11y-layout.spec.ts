/**
 * Small screens, zoom and motion. 320 CSS px is WCAG 1.4.10's reflow width (1280 px at 400 %); 200 % zoom is
 * a 640 x 400 CSS px viewport, which is exactly what browser zoom gives a 1280 x 800 window: zoom shrinks the
 * CSS viewport, so media queries and layout react as they do for a user who zooms. (deviceScaleFactor only adds
 * device pixels and changes no layout; CSS `zoom` on the root leaves the viewport and media queries as they were.)
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Page } from "@playwright/test";
import { expectReflows } from "./axe";
import { expect, fillLogin, signIn, test, USER_AGENTS } from "./fixtures";

const VIEWPORTS = [
  { name: "320 px wide", size: { width: 320, height: 640 } },
  { name: "200 % zoom", size: { width: 640, height: 400 } },
] as const;

const IDLE_SECONDS = 1800; // the e2e server's default idle timeout
const WARNING_SECONDS = 60; // default SESSION_IDLE_WARNING_SECONDS

const SIGNED_OUT_PAGES = [
  "/",
  "/login",
  "/login?reason=evicted",
  "/signup",
  "/not-me",
  "/forgot-password",
  "/check-email",
  "/reset-password?token=not-a-token",
  "/mail?to=nobody%40example.test",
];

/** The README's phone screenshots: attached to every run, written into docs/ only when asked. */
async function screenshot(page: Page, file: string): Promise<void> {
  const body = await page.screenshot({ fullPage: true });
  await test.info().attach(file, { body, contentType: "image/png" });
  if (process.env.E2E_UPDATE_SCREENSHOT === "1") {
    writeFileSync(fileURLToPath(new URL(`../../docs/${file}`, import.meta.url)), body);
  }
}

test.describe("small screens and zoom: nothing scrolls sideways or overlaps", () => {
  for (const viewport of VIEWPORTS) {
    test(`signed out, ${viewport.name}`, async ({ page }) => {
      await page.setViewportSize(viewport.size);
      for (const path of SIGNED_OUT_PAGES) {
        await page.goto(path);
        await expectReflows(page, `${path}, ${viewport.name}`);
      }
      await page.goto("/signup");
      await page.getByRole("button", { name: "Create account" }).click();
      await expect(page.getByText("Check the highlighted fields")).toBeVisible();
      await expectReflows(page, `sign-up errors, ${viewport.name}`);
    });

    test(`signed in, ${viewport.name}`, async ({ signedInPage: page, openDevice }) => {
      await openDevice(USER_AGENTS.desktopChrome);
      await openDevice(USER_AGENTS.windowsEdge);
      await page.setViewportSize(viewport.size);
      for (const path of ["/", "/devices", "/account", "/outbox"]) {
        await page.goto(path);
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
        await expectReflows(page, `${path}, ${viewport.name}`);
      }
      await page.goto("/devices");
      await page.getByRole("button", { name: "Sign out of 2 other devices" }).click();
      await expectReflows(page, `devices, a confirm step open, ${viewport.name}`);
      await page.getByRole("button", { name: "Cancel" }).click();
      await page.getByRole("button", { name: "Sign out everywhere" }).click();
      await expectReflows(page, `devices, sign out everywhere confirm step, ${viewport.name}`);
    });
  }

  test("the idle warning fits and reflows at 320 px and at 200 % zoom", async ({ page, account }) => {
    await page.clock.install();
    await signIn(page, account);
    await page.clock.fastForward((IDLE_SECONDS - WARNING_SECONDS + 5) * 1000);
    await expect(page.getByRole("dialog", { name: "Are you still there?" })).toBeVisible();
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport.size);
      await expectReflows(page, `idle warning, ${viewport.name}`);
    }
  });

  test("on a phone the activity log stacks each entry, and stays a table for screen readers", async ({
    signedInPage: page,
    openDevice,
  }) => {
    await openDevice(USER_AGENTS.macFirefox);
    await page.setViewportSize({ width: 320, height: 640 });
    await page.goto("/devices");
    const table = page.getByRole("table", { name: "Recent security activity" });
    await expect(table.getByRole("columnheader")).toHaveCount(4);
    const row = table.getByRole("row").nth(1);
    await expect(row.getByRole("cell")).toHaveCount(4);
    const cells = await row
      .getByRole("cell")
      .evaluateAll((elements) => elements.map((cell) => cell.getBoundingClientRect()));
    for (let i = 1; i < cells.length; i++) {
      expect(cells[i]!.top, "each cell below the one before").toBeGreaterThanOrEqual(
        cells[i - 1]!.bottom - 1,
      );
    }
    await expect(row.getByText("Device", { exact: true }), "each cell shows its header").toBeVisible();
    const head = await table.locator("thead").boundingBox();
    expect(head?.height ?? 0, "the header row is out of sight").toBeLessThanOrEqual(1);
    await expect(row.getByRole("cell").first()).toHaveAccessibleName(/^Signed in from a new device$/);
  });

  test("the devices and sign-in pages on a 390 px phone (README screenshots)", async ({
    browser,
    account,
    openDevice,
  }) => {
    await openDevice(USER_AGENTS.desktopChrome);
    await openDevice(USER_AGENTS.macFirefox);
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      userAgent: USER_AGENTS.iphoneSafari,
    });
    try {
      const page = await phone.newPage();
      await page.goto("/login");
      await expectReflows(page, "sign-in on a phone");
      await screenshot(page, "login-phone.png");
      await fillLogin(page, account);
      await expect(page).toHaveURL(/\/devices$/);
      await expect(page.getByRole("list", { name: "Signed-in devices" }).getByRole("listitem")).toHaveCount(
        3,
      );
      await expectReflows(page, "devices on a phone");
      await screenshot(page, "devices-phone.png");
    } finally {
      await phone.close();
    }
  });
});

test.describe("motion", () => {
  async function motion(page: Page): Promise<{ longest: number; animations: number; smooth: boolean }> {
    return page.evaluate(() => {
      let longest = 0;
      for (const element of document.querySelectorAll("*")) {
        const style = getComputedStyle(element);
        for (const value of [...style.transitionDuration.split(","), ...style.animationDuration.split(",")]) {
          longest = Math.max(longest, Number.parseFloat(value) * 1000);
        }
      }
      const smooth = getComputedStyle(document.documentElement).scrollBehavior === "smooth";
      return { longest, animations: document.getAnimations().length, smooth };
    });
  }

  test("with prefers-reduced-motion: reduce nothing moves; without it buttons ease", async ({ page }) => {
    await page.emulateMedia({ reducedMotion: "no-preference" });
    await page.goto("/login");
    const moving = await motion(page);
    expect(moving.longest, "the page has transitions to turn off").toBeGreaterThan(50);
    expect(moving.smooth).toBe(true);

    await page.emulateMedia({ reducedMotion: "reduce" });
    await page.getByRole("button", { name: "Sign in" }).hover();
    const still = await motion(page);
    expect(still.longest, "longest transition or animation, ms").toBeLessThanOrEqual(0.01);
    expect(still.animations, "running animations").toBe(0);
    expect(still.smooth, "smooth scrolling is off").toBe(false);
  });
});
