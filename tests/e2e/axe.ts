/**
 * Accessibility checks for the specs: an axe-core scan of the page as it is now (WCAG 2.0, 2.1 and 2.2 A/AA rules;
 * serious and critical violations fail, each with its rule, help and the elements' selectors), and the layout
 * checks for small screens and zoom. Call them at every state a user sees:
 *
 *   await expectNoAxeViolations(page, "sign-up, errors shown");
 *   await expectReflows(page, "devices at 320 px");
 */
import AxeBuilder from "@axe-core/playwright";
import type { Result } from "axe-core";
import { expect, type Page } from "@playwright/test";

export const WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] as const;

const FAILING_IMPACTS = new Set(["serious", "critical"]);

function describeViolation(violation: Result): string {
  const targets = violation.nodes.map(
    (node) => `    ${node.target.join(" >> ")}: ${node.failureSummary ?? ""}`,
  );
  return [
    `  ${violation.id} (${violation.impact ?? "?"}): ${violation.help} — ${violation.helpUrl}`,
    ...targets,
  ]
    .join("\n")
    .replace(/\n\s*\n/g, "\n");
}

export type ColorScheme = "light" | "dark";

/**
 * Fails with every serious or critical WCAG 2.2 AA violation on `page`; `context` names the state scanned.
 * Scans in the light and the dark scheme by default (colour contrast differs), then drops the emulation.
 * Scans with reduced motion: switching the scheme would otherwise catch a button halfway through its colour
 * transition, and contrast is judged on the colours the page settles on.
 */
export async function expectNoAxeViolations(
  page: Page,
  context: string,
  options: { schemes?: readonly ColorScheme[]; include?: string; exclude?: readonly string[] } = {},
): Promise<void> {
  const schemes = options.schemes ?? ["light", "dark"];
  const found: string[] = [];
  for (const scheme of schemes) {
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: "reduce" });
    let builder = new AxeBuilder({ page }).withTags([...WCAG_22_AA]);
    if (options.include !== undefined) builder = builder.include(options.include);
    for (const selector of options.exclude ?? []) builder = builder.exclude(selector);
    const results = await builder.analyze();
    for (const violation of results.violations) {
      if (FAILING_IMPACTS.has(violation.impact ?? ""))
        found.push(`[${scheme}] ${describeViolation(violation).trimStart()}`);
    }
  }
  await page.emulateMedia({ colorScheme: null, reducedMotion: null });
  expect(
    found,
    `axe: serious/critical violations on ${context} (${page.url()}):\n${found.join("\n")}`,
  ).toEqual([]);
}

/**
 * WCAG 1.4.10: no sideways scrolling and no overlapping controls or text at the current viewport; with a modal
 * dialog open, the dialog must also fit the viewport.
 */
export async function expectReflows(page: Page, context: string): Promise<void> {
  const layout = await page.evaluate(() => {
    const scroller = document.scrollingElement ?? document.documentElement;
    const selector = "a, button, input, label, h1, h2, h3, p, dt, dd, td, th, .badge, time, figcaption";
    // What of a box shows once every clipping ancestor (overflow, clip-path) has cut it.
    const clip = (element: HTMLElement, rect: DOMRect): DOMRect => {
      let { left, top, right, bottom } = rect;
      for (let parent = element.parentElement; parent !== null; parent = parent.parentElement) {
        const style = getComputedStyle(parent);
        if (style.overflowX === "visible" && style.overflowY === "visible" && style.clipPath === "none")
          continue;
        const box = parent.getBoundingClientRect();
        left = Math.max(left, box.left);
        top = Math.max(top, box.top);
        right = Math.min(right, box.right);
        bottom = Math.min(bottom, box.bottom);
      }
      return new DOMRect(left, top, Math.max(0, right - left), Math.max(0, bottom - top));
    };
    // Line boxes, not the bounding box: a link wrapping over two lines does not cover the text between.
    // An open modal dialog covers the page by design: then only what is inside it must not overlap.
    const root = document.querySelector("dialog[open]") ?? document;
    const boxes = [...root.querySelectorAll<HTMLElement>(selector)]
      .filter((element) => element.checkVisibility() && !element.closest(".visually-hidden, [aria-hidden]"))
      .map((element) => ({
        element,
        rects: [...element.getClientRects()]
          .map((rect) => clip(element, rect))
          .filter((rect) => rect.width > 1 && rect.height > 1),
      }))
      .filter(({ rects }) => rects.length > 0);
    const name = (element: HTMLElement): string => {
      const id = element.id === "" ? "" : `#${element.id}`;
      return `${element.tagName.toLowerCase()}${id} "${(element.textContent ?? "").trim().slice(0, 40)}"`;
    };
    const intersect = (a: DOMRect, b: DOMRect): boolean =>
      Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
      Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
    const overlaps: string[] = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        if (a.element.contains(b.element) || b.element.contains(a.element)) continue;
        if (a.rects.some((ra) => b.rects.some((rb) => intersect(ra, rb)))) {
          overlaps.push(`${name(a.element)} overlaps ${name(b.element)}`);
        }
      }
    }
    // Text cut off inside its own box (an input's own scrolling and a deliberate ellipsis aside).
    const clipped = boxes
      .filter(({ element }) => element.tagName !== "INPUT")
      .filter(({ element }) => getComputedStyle(element).textOverflow !== "ellipsis")
      .filter(({ element }) => element.scrollWidth > element.clientWidth + 1 && element.clientWidth > 0)
      .map(({ element }) => name(element));
    const dialog = root instanceof HTMLDialogElement ? root.getBoundingClientRect() : null;
    const dialogFits =
      dialog === null ||
      (dialog.left >= 0 && dialog.top >= 0 && dialog.right <= innerWidth && dialog.bottom <= innerHeight);
    return {
      scrollWidth: scroller.scrollWidth,
      innerWidth: window.innerWidth,
      overlaps,
      clipped,
      dialogFits,
    };
  });
  expect(
    layout.scrollWidth,
    `${context} (${page.url()}) scrolls sideways: ${layout.scrollWidth} px of content in ${layout.innerWidth} px`,
  ).toBeLessThanOrEqual(layout.innerWidth);
  expect(layout.overlaps, `${context} (${page.url()}): elements overlap`).toEqual([]);
  expect(layout.clipped, `${context} (${page.url()}): text overflows its box`).toEqual([]);
  expect(layout.dialogFits, `${context} (${page.url()}): the open dialog fits the viewport`).toBe(true);
}
