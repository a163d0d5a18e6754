import { expect, expectSignedOut, fillLogin, sessionCookie, test, USER_AGENTS } from "./fixtures";

test.describe("changing the password", () => {
  test("signs out every other device, keeps this one on a fresh session, and the old password stops working", async ({
    account,
    openDevice,
  }) => {
    const a = await openDevice(USER_AGENTS.desktopChrome);
    const b = await openDevice(USER_AGENTS.iphoneSafari);
    const newPassword = `${account.password}-new`;
    const before = await sessionCookie(a.context);

    await a.page.goto("/account");
    await a.page.getByLabel("Current password").fill(account.password);
    await a.page.getByLabel("New password", { exact: true }).fill(newPassword);
    await a.page.getByLabel("Confirm new password").fill(newPassword);
    await a.page.getByRole("button", { name: "Change password" }).click();
    await expect(a.page.getByRole("status")).toHaveText(
      "Password changed. Every other device was signed out.",
    );

    const after = await sessionCookie(a.context);
    expect(after.value, "the current session is rotated").not.toBe(before.value);
    await a.page.goto("/devices");
    await expect(a.page.getByText("This is the only device signed in to your account.")).toBeVisible();

    await b.page.goto("/devices");
    await expectSignedOut(b.page, "Your password was changed; please sign in again");
    await fillLogin(b.page, account);
    await expect(b.page.getByRole("main").getByRole("alert")).toHaveText("Email or password is incorrect");
    await fillLogin(b.page, { email: account.email, password: newPassword });
    await expect(b.page).toHaveURL(/\/devices$/);
  });

  test("a wrong current password changes nothing", async ({ account, openDevice }) => {
    const a = await openDevice(USER_AGENTS.desktopChrome);
    const b = await openDevice(USER_AGENTS.iphoneSafari);

    await a.page.goto("/account");
    await a.page.getByLabel("Current password").fill(`${account.password}-wrong`);
    await a.page.getByLabel("New password", { exact: true }).fill("a brand new password");
    await a.page.getByLabel("Confirm new password").fill("a brand new password");
    await a.page.getByRole("button", { name: "Change password" }).click();
    await expect(a.page.getByText("Current password is incorrect")).toBeVisible();

    await b.page.goto("/devices");
    await expect(b.page.getByText("This device", { exact: true }), "B stays signed in").toBeVisible();
  });
});
