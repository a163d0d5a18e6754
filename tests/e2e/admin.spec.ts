/**
 * The admin console as an operator uses it: find a user signed in on two browsers, end one session, then all,
 * disable the account and enable it again, sign out everyone; every device is told why, and the audit log
 * records each action. A non-admin gets 404 from the page and from its actions posted by hand. The page's figures
 * match what /api/metrics serves at the same moment.
 */
import type { Browser, Page, Request } from "@playwright/test";
import {
  expect,
  expectSignedOut,
  fillLogin,
  signIn,
  signUp,
  test,
  uniqueEmail,
  USER_AGENTS,
  type Account,
  type Device,
} from "./fixtures";

const ADMIN: Account = {
  email: process.env.E2E_ADMIN_EMAIL ?? "",
  password: "admin password, long enough",
};

let adminSignedUp = false;

/** A browser signed in as the admin (ADMIN_EMAILS), signing the admin up on first use in this worker. */
async function openAdmin(browser: Browser): Promise<Device> {
  if (ADMIN.email === "") throw new Error("e2e: E2E_ADMIN_EMAIL is not set (tests/playwright.config.ts)");
  const context = await browser.newContext({ userAgent: USER_AGENTS.windowsEdge });
  const page = await context.newPage();
  if (!adminSignedUp) {
    // A restarted worker finds the account taken: that is fine, it signs in below.
    await signUp(page, ADMIN).catch(() => undefined);
    adminSignedUp = true;
  }
  await signIn(page, ADMIN);
  return { context, page };
}

async function findUser(admin: Page, email: string): Promise<void> {
  await admin.goto("/admin");
  await admin.getByLabel("Email").fill(email);
  await admin.getByRole("button", { name: "Find" }).click();
  await expect(admin.getByRole("heading", { name: email })).toBeVisible();
}

function sessionRows(admin: Page, email: string): ReturnType<Page["getByRole"]> {
  return admin.getByRole("table", { name: `Sessions of ${email}` }).getByRole("row");
}

test.describe("the admin console", () => {
  test("an admin ends one session, then all, disables the account and enables it again", async ({
    browser,
    account,
    openDevice,
  }) => {
    const chrome = await openDevice(USER_AGENTS.desktopChrome);
    const firefox = await openDevice(USER_AGENTS.macFirefox);
    const { page: admin, context } = await openAdmin(browser);

    await findUser(admin, account.email);
    const rows = sessionRows(admin, account.email);
    await expect(rows, "a header row and one row per browser").toHaveCount(3);
    await expect(rows.filter({ hasText: "Firefox" })).toContainText("Mac OS");
    await expect(rows.filter({ hasText: "Chrome" })).toContainText("Linux");

    await admin.getByRole("button", { name: "End session: Firefox on Mac OS" }).click();
    await expect(admin.getByRole("status").filter({ hasText: "Ended 1 session of" })).toBeVisible();
    await expect(rows).toHaveCount(2);
    await firefox.page.goto("/devices");
    await expectSignedOut(firefox.page, "You were signed out by an administrator");
    await chrome.page.goto("/devices");
    await expect(chrome.page.getByRole("heading", { name: "Active devices" })).toBeVisible();

    await admin.getByRole("button", { name: "End all sessions" }).click();
    await expect(admin.getByRole("status").filter({ hasText: "Ended all sessions of" })).toBeVisible();
    await expect(admin.getByRole("status")).toContainText("1 session ended");
    await chrome.page.goto("/devices");
    await expectSignedOut(chrome.page, "You were signed out by an administrator");

    await signIn(chrome.page, account);
    await admin.reload();
    await admin.getByRole("button", { name: "Disable account" }).click();
    await expect(admin.getByRole("status").filter({ hasText: "Disabled" })).toContainText("1 session ended");
    await chrome.page.goto("/devices");
    await expectSignedOut(chrome.page, "This account was disabled by an administrator");
    await fillLogin(chrome.page, account);
    await expect(
      chrome.page.getByRole("alert").filter({ hasText: "This account is disabled" }),
    ).toBeVisible();

    await admin.getByRole("button", { name: "Enable account" }).click();
    await expect(admin.getByRole("status").filter({ hasText: "it can sign in again" })).toBeVisible();
    await signIn(chrome.page, account);

    await findUser(admin, account.email);
    const activity = admin.getByRole("region", { name: "Recent security activity" });
    await expect(activity).toContainText("Account enabled again by an administrator");
    await expect(activity).toContainText("Account disabled by an administrator");
    await expect(activity).toContainText("Signed out by an administrator");
    const audit = admin.getByRole("region", { name: "Admin audit log" }).getByRole("row");
    for (const [i, what] of [
      "Enabled the account",
      "Disabled the account",
      "Ended all sessions",
      "Ended a session",
    ].entries()) {
      await expect(audit.nth(i + 1), "newest first").toContainText(what);
      await expect(audit.nth(i + 1)).toContainText(account.email);
      await expect(audit.nth(i + 1)).toContainText(ADMIN.email);
    }
    await context.close();
  });

  test("a non-admin gets 404 from the page and from its actions posted by hand", async ({
    browser,
    signedInPage,
  }) => {
    const page = await signedInPage.goto("/admin");
    expect(page?.status(), "the page does not exist for a non-admin").toBe(404);

    // A victim signed in somewhere; the admin ends their sessions once, so the action's real request is captured.
    const victim: Account = { email: uniqueEmail("victim"), password: "victim password, long enough" };
    const victimContext = await browser.newContext();
    const victimPage = await victimContext.newPage();
    await signUp(victimPage, victim);
    await signIn(victimPage, victim);
    const { page: admin, context } = await openAdmin(browser);
    await findUser(admin, victim.email);
    const posted = admin.waitForRequest(
      (request: Request) => request.method() === "POST" && "next-action" in request.headers(),
    );
    await admin.getByRole("button", { name: "End all sessions" }).click();
    const request = await posted;
    await expect(admin.getByRole("status").filter({ hasText: "Ended all sessions of" })).toBeVisible();
    await signIn(victimPage, victim);

    // The same post, byte for byte, from the non-admin's browser.
    const sent = await request.allHeaders();
    const headers: Record<string, string> = { origin: new URL(request.url()).origin };
    for (const name of ["next-action", "next-router-state-tree", "content-type", "accept"]) {
      const value = sent[name];
      if (value !== undefined) headers[name] = value;
    }
    const replay = await signedInPage.request.post(request.url(), {
      headers,
      data: request.postDataBuffer() ?? Buffer.alloc(0),
    });
    expect(replay.status(), "the action re-checks the admin role itself").toBe(404);
    await victimPage.goto("/devices");
    await expect(
      victimPage.getByRole("heading", { name: "Active devices" }),
      "nothing was done",
    ).toBeVisible();
    await victimContext.close();
    await context.close();
  });

  test("sign out everyone ends every session, tells each device why, and keeps the admin signed in", async ({
    browser,
    account,
    openDevice,
  }) => {
    const user = await openDevice(USER_AGENTS.iphoneSafari);
    const { page: admin, context } = await openAdmin(browser);
    await admin.goto("/admin");
    const everyone = admin.getByRole("region", { name: "Sign out everyone" });
    await everyone.getByRole("button", { name: "Sign out everyone" }).click();
    await expect(everyone.getByRole("alert")).toContainText("Tick the box");
    await everyone.getByLabel(/every user is signed out/).check();
    await everyone.getByRole("button", { name: "Sign out everyone" }).click();
    await expect(everyone.getByRole("status").filter({ hasText: "Everyone is signed out" })).toBeVisible();

    await user.page.goto("/devices");
    await expectSignedOut(user.page, "Everyone was signed out for security reasons");
    // The server's sign-ins have seen the sweep (the admin's fresh session did): the next one just works.
    await signIn(user.page, account);
    await admin.goto("/admin");
    await expect(admin.getByRole("heading", { name: "Admin", exact: true })).toBeVisible();
    await expect(
      admin.getByRole("region", { name: "Admin audit log" }).getByRole("row").nth(1),
    ).toContainText("Signed out everyone");
    await context.close();
  });

  test("the page's figures and charts match /api/metrics at the same moment", async ({
    browser,
    request,
  }) => {
    const token = process.env.E2E_METRICS_TOKEN ?? "";
    const { page: admin, context } = await openAdmin(browser);
    const scrape = async (): Promise<Map<string, number>> => {
      const response = await request.get("/api/metrics", { headers: { authorization: `Bearer ${token}` } });
      expect(response.status()).toBe(200);
      const values = new Map<string, number>();
      for (const line of (await response.text()).split("\n")) {
        const match = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
        if (match !== null) values.set(match[1] ?? "", Number(match[2]));
      }
      return values;
    };

    await expect(async () => {
      const before = await scrape();
      await admin.goto("/admin");
      const figures = admin.locator("dl.figures");
      const active = await figures.locator("div", { hasText: "Active sessions" }).locator("dd").textContent();
      const signIns = await figures
        .locator("div", { hasText: "Sign-ins, last hour" })
        .locator("dd")
        .textContent();
      const most = await figures
        .locator("div", { hasText: "Most sessions for one user" })
        .locator("dd")
        .textContent();
      const chart = await admin.getByText(/^Sign-ins per minute, last hour: \d+ sign-ins$/).textContent();
      const revokedRow = admin
        .getByRole("row")
        .filter({ has: admin.getByRole("cell", { name: "revoked", exact: true }) });
      const revoked = await revokedRow.getByRole("cell").nth(1).textContent();
      const after = await scrape();
      expect(after, "nothing changed while the page was read").toEqual(before);
      expect(Number(active)).toBe(after.get("session_active_sessions"));
      expect(Number(signIns)).toBe(after.get("session_created_last_hour"));
      expect(Number(most)).toBe(after.get("session_concurrent_sessions_per_user_max"));
      expect(Number(/: (\d+) sign-ins/.exec(chart ?? "")?.[1])).toBe(after.get("session_created_last_hour"));
      expect(Number(revoked)).toBe(after.get('session_ended_total{reason="revoked"}'));
    }).toPass({ timeout: 30_000 });
    await context.close();
  });
});
