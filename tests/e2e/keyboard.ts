/** Keyboard-only helpers: Tab to a control checking every stop shows its focus, and the focus check itself. */
import { expect, type Locator, type Page } from "@playwright/test";

/** The focused element draws a visible focus indicator (an outline of at least 2 px, WCAG 2.4.7 / 2.4.13). */
export async function expectFocusVisible(page: Page, context = ""): Promise<void> {
  const focus = await page.evaluate(() => {
    const element = document.activeElement;
    if (element === null || element === document.body) return null;
    const style = getComputedStyle(element);
    return {
      element: `${element.tagName.toLowerCase()} "${(element.textContent ?? "").trim().slice(0, 40)}"`,
      focusVisible: element.matches(":focus-visible"),
      outlineStyle: style.outlineStyle,
      outlineWidth: Number.parseFloat(style.outlineWidth),
    };
  });
  expect(focus, `${context}: something has the focus`).not.toBeNull();
  if (focus === null) return;
  expect(focus.focusVisible, `${context}: ${focus.element} matches :focus-visible`).toBe(true);
  expect(focus.outlineStyle, `${context}: ${focus.element} has a focus outline`).not.toBe("none");
  expect(
    focus.outlineWidth,
    `${context}: ${focus.element}'s outline is at least 2 px`,
  ).toBeGreaterThanOrEqual(2);
}

/** Presses Tab until `target` has the focus (at most `limit` times), checking the focus is visible at each stop. */
export async function tabTo(page: Page, target: Locator, limit = 40): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    await expectFocusVisible(page, `Tab stop ${i + 1} on the way to ${target.toString()}`);
    if (await target.evaluate((element) => element === document.activeElement)) return;
  }
  throw new Error(`tabTo: ${target.toString()} not reached in ${limit} presses of Tab`);
}
