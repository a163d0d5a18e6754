/**
 * Security headers on the production build: every page carries them, another origin cannot frame the app,
 * and the app runs under its Content-Security-Policy without a single violation.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "@playwright/test";
import { expect, fillLogin, test } from "./fixtures";

const HEADERS = {
  "x-frame-options": /^DENY$/,
  "x-content-type-options": /^nosniff$/,
  "referrer-policy": /^(strict-origin-when-cross-origin|no-referrer)$/,
  "content-security-policy": /frame-ancestors 'none'/,
} as const;

/** The directives of one Content-Security-Policy header value, by name. */
function directives(policy: string): Map<string, string[]> {
  const parsed = new Map<string, string[]>();
  for (const part of policy.split(";")) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name !== undefined && name !== "") parsed.set(name.toLowerCase(), values);
  }
  return parsed;
}

/** Starts a page on another port of the same host (same site, another origin) that frames `target`. */
async function framingSite(target: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(
      `<!doctype html><title>Win a prize</title><h1>Double-click to win</h1>` +
        `<iframe id="victim" src="${target}" width="900" height="700" onload="this.dataset.loaded='1'"></iframe>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Collects CSP violations: the DOM event (from an init script, so the first script is covered) and console lines. */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  const consoleLines: string[] = [];
  page.on("console", (message) => {
    const text = message.text();
    if (/Content Security Policy|Content-Security-Policy|Permissions-Policy/i.test(text)) {
      consoleLines.push(`${message.type()}: ${text}`);
    }
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (event) => {
      seen.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} (${event.sourceFile})`);
    });
  });
  return async () => {
    const events = await page.evaluate(
      () => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? ["no listener"],
    );
    return [...events, ...consoleLines];
  };
}

test.describe("security headers", () => {
  test("every page answers with the security headers, signed in or not", async ({ page, account }) => {
    /** `nonce`: the page policy of middleware; otherwise next.config's static one (anonymous, ADR 013). */
    const visit = async (path: string, expected: "nonce" | "static"): Promise<void> => {
      const response = await page.goto(path);
      expect(response, `${path} answered`).not.toBeNull();
      const headers = response?.headers() ?? {};
      for (const [name, pattern] of Object.entries(HEADERS)) {
        expect(headers[name], `${name} on ${path}`).toMatch(pattern);
      }
      const features = (headers["permissions-policy"] ?? "").split(",").map((feature) => feature.trim());
      expect(features, `permissions-policy on ${path}`).toEqual(
        expect.arrayContaining(["camera=()", "microphone=()", "geolocation=()"]),
      );
      const policy = directives(headers["content-security-policy"] ?? "");
      expect(policy.get("default-src"), `default-src on ${path}`).toEqual(["'self'"]);
      expect(policy.get("connect-src"), `connect-src on ${path}`).toEqual(["'self'"]);
      expect(policy.get("object-src"), `object-src on ${path}`).toEqual(["'none'"]);
      expect(policy.get("base-uri"), `base-uri on ${path}`).toEqual(["'none'"]);
      expect(policy.get("form-action"), `form-action on ${path}`).toEqual(["'self'"]);
      const scripts = policy.get("script-src") ?? [];
      expect(scripts, `no unsafe-eval in production on ${path}`).not.toContain("'unsafe-eval'");
      if (expected === "nonce") {
        expect(
          scripts.some((source) => /^'nonce-[A-Za-z0-9+/_-]+=*'$/.test(source)),
          `nonce on ${path}`,
        ).toBe(true);
        expect(scripts, `no unsafe-inline scripts on ${path}`).not.toContain("'unsafe-inline'");
      } else {
        // No middleware ran: scripts from this origin and inline ones (Next's differ per request), nothing else.
        expect(scripts, `static script-src on ${path}`).toEqual(["'self'", "'unsafe-inline'"]);
      }
      // Plain http here: HSTS is only for https.
      expect(headers["strict-transport-security"], `no HSTS over http on ${path}`).toBeUndefined();
    };

    for (const path of ["/", "/missing.png"]) await visit(path, "static");
    // Where passwords are typed and mailed links opened, the nonce policy even without a session (ADR 013).
    for (const path of ["/login", "/signup", "/forgot-password"]) await visit(path, "nonce");
    // Protected paths always reach middleware: its redirect to sign-in carries the page policy.
    const redirected = await page.request.get("/account", { maxRedirects: 0 });
    expect(redirected.status(), "/account without a session").toBe(307);
    expect(directives(redirected.headers()["content-security-policy"] ?? "").get("frame-ancestors")).toEqual([
      "'none'",
    ]);
    await page.goto("/login");
    await fillLogin(page, account);
    await expect(page).toHaveURL(/\/devices$/);
    for (const path of ["/devices", "/account", "/", "/login", "/missing.png"]) await visit(path, "nonce");

    // A fresh nonce each time.
    const first = (await page.request.get("/account")).headers()["content-security-policy"];
    const second = (await page.request.get("/account")).headers()["content-security-policy"];
    expect(first).not.toBe(second);
  });

  test("HSTS is sent when the app is reached over https", async ({ request }) => {
    const response = await request.get("/login", { headers: { "x-forwarded-proto": "https" } });
    expect(response.headers()["strict-transport-security"]).toMatch(/^max-age=\d{8,}/);
  });

  test("another origin on the same site cannot frame the signed-in devices page", async ({
    signedInPage,
    baseURL,
  }) => {
    const site = await framingSite(new URL("/devices", baseURL).href);
    try {
      const framed = signedInPage.waitForResponse((response) => response.url().endsWith("/devices"));
      await signedInPage.goto(site.url);
      expect((await framed).status(), "the app answered the framed request").toBe(200);
      await expect(
        signedInPage.locator("#victim[data-loaded='1']"),
        "the frame finished loading",
      ).toHaveCount(1);
      const frame = signedInPage.frameLocator("#victim");
      await expect(frame.getByRole("heading", { name: "Active devices" }), "the framed page").toHaveCount(0);
      await expect(frame.getByRole("button", { name: "Sign out everywhere" })).toHaveCount(0);
      // Chromium shows its own error page in a frame it refused to render.
      const child = signedInPage.frames().find((candidate) => candidate !== signedInPage.mainFrame());
      expect(child?.url(), "the browser refused to frame the app").toMatch(/^chrome-error:/);
    } finally {
      await site.close();
    }
  });

  test("the app runs under its policy with zero CSP violations", async ({ page, account }) => {
    const violations = await watchViolations(page);

    await page.goto("/");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/login$/);
    // A server action (sign-in) and its redirect.
    await fillLogin(page, account);
    await expect(page).toHaveURL(/\/devices$/);
    await expect(page.getByRole("heading", { name: "Active devices" })).toBeVisible();

    // Client navigations, and hydrated client components on the way.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Account" }).click();
    await expect(page.getByRole("heading", { name: "Account" })).toBeVisible();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Devices" }).click();
    await expect(page.getByRole("heading", { name: "Active devices" })).toBeVisible();
    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByRole("button", { name: "Sign out everywhere" })).toBeFocused();

    // Another server action: a wrong current password answers with a form error, rendered by React.
    await page.goto("/account");
    await page.getByLabel("Current password").fill("not the password");
    await page.getByLabel("New password", { exact: true }).fill("a brand new password");
    await page.getByLabel("Confirm new password").fill("a brand new password");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("Current password is incorrect")).toBeVisible();

    expect(await violations(), "CSP violations").toEqual([]);

    await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login\?signed_out=1$/);
    expect(await violations(), "CSP violations after signing out").toEqual([]);
  });
});
