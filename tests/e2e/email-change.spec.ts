/**
 * Change of email through the dev mailbox, in two browser contexts: the link to the new address moves the email and
 * every device's header follows; the notice to the old address says "this wasn't me", which takes the address back
 * and signs every device out.
 */
import type { Page } from "@playwright/test";
import { expect, expectSignedOut, fillLogin, test, uniqueEmail, USER_AGENTS } from "./fixtures";

/** The href of the link in the newest mail to `address` with this subject, from the dev mailbox (/mail). */
async function mailLink(page: Page, address: string, subject: string): Promise<string> {
  await page.goto(`/mail?to=${encodeURIComponent(address)}`);
  const href = await page
    .getByRole("article", { name: subject })
    .first()
    .getByRole("link", { name: "Open the link" })
    .getAttribute("href");
  expect(href, `the mailbox of ${address} shows "${subject}" with its link`).toBeTruthy();
  return href ?? "";
}

async function requestChange(page: Page, to: string): Promise<void> {
  await page.goto("/account");
  const section = page.getByRole("region", { name: "Change email" });
  await section.getByLabel("New email").fill(to);
  await section.getByRole("button", { name: "Change email" }).click();
  await expect(section.getByRole("status")).toHaveText(
    `We sent a confirmation link to ${to}. Your email changes when you use it.`,
  );
}

test.describe("change of email", () => {
  test("the new address's link moves the email and every device's label; the old one's \"this wasn't me\" takes it back", async ({
    signedInPage: page,
    account,
    openDevice,
    browser,
  }) => {
    const other = await openDevice(USER_AGENTS.iphoneSafari);
    const to = uniqueEmail("new");
    await requestChange(page, to);
    const confirmUrl = await mailLink(page, to, "Confirm your new email address");
    const notMeUrl = await mailLink(page, account.email, "Your email address is being changed");

    await page.goto("/account");
    await expect(
      page.getByText(`Signed in as ${account.email}.`),
      "unchanged until the link is used",
    ).toBeVisible();

    // The new mailbox opens the link in a browser that is not signed in.
    const inbox = await browser.newContext();
    const inboxPage = await inbox.newPage();
    await inboxPage.goto(confirmUrl);
    await inboxPage.getByRole("button", { name: "Confirm new email" }).click();
    await expect(inboxPage.getByRole("status")).toHaveText(`Your email is now ${to}.`);
    await inboxPage.reload();
    await inboxPage.getByRole("button", { name: "Confirm new email" }).click();
    await expect(
      inboxPage.getByRole("alert").filter({ hasText: "already used" }),
      "the link works once",
    ).toBeVisible();
    await inbox.close();

    await other.page.goto("/account");
    await expect(
      other.page.getByText(`Signed in as ${to}.`),
      "the other device's label follows",
    ).toBeVisible();
    await page.goto("/account");
    await expect(page.getByText(`Signed in as ${to}.`)).toBeVisible();

    // The owner, reading the old mailbox elsewhere: this wasn't me.
    const owner = await browser.newContext();
    const ownerPage = await owner.newPage();
    await ownerPage.goto(notMeUrl);
    await ownerPage.getByRole("button", { name: "Keep my email and sign out everywhere" }).click();
    await expect(ownerPage.getByRole("status")).toContainText(`Your email is ${account.email} again`);

    await other.page.goto("/devices");
    await expectSignedOut(other.page, "You were signed out from another device");
    await page.goto("/devices");
    await expectSignedOut(page, "You were signed out from another device");

    await ownerPage.goto("/login");
    await fillLogin(ownerPage, { email: to, password: account.password });
    await expect(
      ownerPage.getByRole("alert").filter({ hasText: "incorrect" }),
      "the other address no longer signs in",
    ).toBeVisible();
    await fillLogin(ownerPage, account);
    await expect(ownerPage, "the old address signs in again").toHaveURL(/\/devices$/);
    await owner.close();
  });
});
