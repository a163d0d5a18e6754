/** The accessibility checks can fail: each one, on a page built to break it, names what broke. */
import { expect, test } from "@playwright/test";
import { expectNoAxeViolations, expectReflows } from "./axe";
import { expectFocusVisible } from "./keyboard";

test.describe("the accessibility checks catch a broken page", () => {
  test("axe names the rule and the element, in either scheme", async ({ page }) => {
    await page.setContent(`<!doctype html><html lang="en"><head><title>t</title>
      <style>@media (prefers-color-scheme: dark) { .faint { color: #333; background: #111; } }</style></head>
      <body><main><h1>Broken</h1><button id="nameless"></button><p id="faint" class="faint">faint in the dark</p></main></body></html>`);
    await expect(expectNoAxeViolations(page, "a nameless button", { schemes: ["light"] })).rejects.toThrow(
      /button-name \(critical\)[\s\S]*#nameless/,
    );
    await page.evaluate(() => document.getElementById("nameless")?.append("Named"));
    await expectNoAxeViolations(page, "light is fine", { schemes: ["light"] });
    await expect(expectNoAxeViolations(page, "dark contrast")).rejects.toThrow(
      /\[dark\] color-contrast \(serious\)[\s\S]*#faint/,
    );
  });

  test("reflow: sideways scrolling, overlapping controls and cut-off text fail", async ({ page }) => {
    await page.setViewportSize({ width: 320, height: 640 });
    await page.setContent(`<main><p style="width: 400px">too wide</p></main>`);
    await expect(expectReflows(page, "wide")).rejects.toThrow(
      /scrolls sideways: 4\d\d px of content in 320 px/,
    );
    await page.setContent(
      `<main><button>One</button><button style="position: relative; left: -20px">Two</button></main>`,
    );
    await expect(expectReflows(page, "overlap")).rejects.toThrow(
      /elements overlap[\s\S]*One[\s\S]* overlaps button [\s\S]*Two/,
    );
    await page.setContent(
      `<main><button style="width: 40px; overflow: hidden; white-space: nowrap">A long label</button></main>`,
    );
    await expect(expectReflows(page, "clipped")).rejects.toThrow(/text overflows its box/);
    await page.setContent(`<dialog style="width: 500px; max-width: none"><p>Wide</p></dialog>`);
    await page.evaluate(() => document.querySelector("dialog")?.showModal());
    await expect(expectReflows(page, "wide dialog")).rejects.toThrow(/the open dialog fits the viewport/);
  });

  test("focus visible: a focused control without an outline fails", async ({ page }) => {
    await page.setContent(`<button style="outline: none">Plain</button>`);
    await page.keyboard.press("Tab");
    await expect(expectFocusVisible(page, "no outline")).rejects.toThrow(/has a focus outline/);
  });
});
