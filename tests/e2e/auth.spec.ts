import { expect, fillLogin, sessionCookie, signIn, signUp, test, uniqueEmail, USER_AGENTS } from "./fixtures";

test.describe("signing up and signing in", () => {
  test("a new user signs up, signs in and sees this device on the devices page", async ({ page }) => {
    const account = { email: uniqueEmail("story"), password: "correct horse battery" };
    await signUp(page, account);
    await expect(page.getByRole("status")).toHaveText("Your email is verified. Sign in to continue.");

    await signIn(page, account);
    const devices = page.getByRole("list", { name: "Signed-in devices" }).getByRole("listitem");
    await expect(devices, "only this browser is signed in").toHaveCount(1);
    await expect(devices.first().getByText("This device")).toBeVisible();
    await expect(page.getByText("This is the only device signed in to your account.")).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Main" }).getByText(account.email)).toBeVisible();
  });

  test("a wrong password and an unknown email get the same generic error, and the password is never echoed", async ({
    page,
    account,
  }) => {
    await page.goto("/login");
    await fillLogin(page, { email: account.email, password: "wrong password!" });
    await expect(page.getByRole("main").getByRole("alert")).toHaveText("Email or password is incorrect");
    await expect(page.getByLabel("Password"), "the password field is emptied").toHaveValue("");
    await expect(page.getByLabel("Email"), "the email is kept for a retry").toHaveValue(account.email);

    await fillLogin(page, { email: uniqueEmail("nobody"), password: "wrong password!" });
    await expect(page.getByRole("main").getByRole("alert")).toHaveText("Email or password is incorrect");
    expect(await page.content(), "the password must not appear in the page").not.toContain("wrong password!");
  });

  test("repeated wrong passwords throttle the account, and then even the right password waits", async ({
    page,
    account,
  }) => {
    await page.goto("/login");
    const alert = page.getByRole("main").getByRole("alert");
    let throttledAfter = 0;
    for (let attempt = 1; attempt <= 12 && throttledAfter === 0; attempt += 1) {
      await fillLogin(page, { email: account.email, password: `wrong-${attempt}` });
      await expect(alert).toHaveText(/Email or password is incorrect|Too many sign-in attempts/);
      if ((await alert.textContent())?.startsWith("Too many") === true) throttledAfter = attempt;
    }
    expect(throttledAfter, "the per-account window should close within 12 attempts").toBeGreaterThan(1);
    await fillLogin(page, account);
    await expect(alert).toHaveText(/^Too many sign-in attempts\. Try again in \d+ seconds\.$/);
    await expect(page).toHaveURL(/\/login/);
  });

  test("a browser that signed in before still gets in while strangers have throttled the account", async ({
    page,
    account,
    openDevice,
  }) => {
    const owner = await openDevice(USER_AGENTS.desktopChrome);
    const names = (await owner.context.cookies()).map((cookie) => cookie.name);
    expect(
      names.filter((name) => name.endsWith("session-device")),
      "a device cookie after sign-in",
    ).toHaveLength(1);

    // Somebody else guesses passwords for the account until its window closes.
    await page.goto("/login");
    const alert = page.getByRole("main").getByRole("alert");
    let throttled = false;
    for (let attempt = 1; attempt <= 12 && !throttled; attempt += 1) {
      await fillLogin(page, { email: account.email, password: `guess-${attempt}` });
      throttled = (await alert.textContent())?.startsWith("Too many") === true;
    }
    expect(throttled, "the account's window should close within 12 attempts").toBe(true);
    await fillLogin(page, account);
    await expect(alert, "even the right password waits on a stranger's browser").toHaveText(/^Too many/);

    // The owner's browser, signed out since, signs in as usual.
    await owner.context.clearCookies({ name: /^(__Host-)?session$/ });
    await signIn(owner.page, account);
  });

  test("invalid form input is reported per field, never a server error", async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("Email").fill("not-an-email");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("Enter a valid email address")).toBeVisible();
    await expect(page.getByText("Enter your password")).toBeVisible();
    await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  });

  test("the sign-in page explains why you were signed out, and ignores reasons it does not know", async ({
    page,
  }) => {
    const reasons = {
      expired: "Your session expired",
      revoked: "You were signed out from another device",
      evicted: "You signed in on too many devices; this one was signed out",
      password_changed: "Your password was changed; please sign in again",
    };
    for (const [reason, message] of Object.entries(reasons)) {
      await page.goto(`/login?reason=${reason}`);
      await expect(page.getByRole("main").getByRole("status"), reason).toHaveText(message);
    }
    for (const query of [
      "reason=%3Cscript%3E",
      "reason=expired&reason=revoked",
      "reason=missing",
      "next=%00",
    ]) {
      const response = await page.goto(`/login?${query}`);
      expect(response?.status(), query).toBe(200);
      await expect(page.getByRole("main").getByRole("status"), query).toHaveCount(0);
    }
  });

  test.describe("without JavaScript", () => {
    test.use({ javaScriptEnabled: false });

    test("signing in still works and lands on the devices page", async ({ page, account }) => {
      await page.goto("/login");
      await page.getByLabel("Email").fill(account.email);
      await page.getByLabel("Password").fill(account.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page).toHaveURL(/\/devices$/);
      await expect(page.getByText("This device", { exact: true })).toBeVisible();
    });
  });

  test("a signed-out visit to a protected page goes to sign-in and returns there afterwards", async ({
    page,
    account,
  }) => {
    await page.goto("/account");
    await expect(page).toHaveURL(/\/login\?next=%2Faccount(&|$)/);
    await fillLogin(page, account);
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByRole("heading", { name: "Account" })).toBeVisible();
  });

  for (const evil of ["https://evil.example", "//evil.example", "/\\evil.example"]) {
    test(`next=${evil} is ignored after sign-in`, async ({ page, account }) => {
      await page.goto(`/login?next=${encodeURIComponent(evil)}`);
      await fillLogin(page, account);
      await expect(page, "an off-site next must fall back to /devices").toHaveURL(
        /^http:\/\/[^/]+\/devices$/,
      );
    });
  }
});

test.describe("the session cookie", () => {
  test("is HttpOnly, SameSite=Lax, Secure and __Host- prefixed on the production build", async ({
    signedInPage,
  }) => {
    const cookie = await sessionCookie(signedInPage.context());
    expect(cookie.name).toBe("__Host-session");
    expect(cookie.httpOnly, "HttpOnly").toBe(true);
    expect(cookie.sameSite, "SameSite").toBe("Lax");
    expect(cookie.secure, "Secure").toBe(true);
    expect(cookie.path).toBe("/");
    expect(cookie.domain, "__Host- cookies are host-only").not.toMatch(/^\./);
  });

  test("without remember me the cookie ends with the browser; with it, it persists", async ({
    browser,
    account,
  }) => {
    const plain = await browser.newContext();
    const remembered = await browser.newContext();
    try {
      const plainPage = await plain.newPage();
      await signIn(plainPage, account);
      const rememberedPage = await remembered.newPage();
      await signIn(rememberedPage, account, { remember: true });

      const now = Date.now() / 1000;
      const shortLived = await sessionCookie(plain);
      const longLived = await sessionCookie(remembered);
      expect(shortLived.expires, "a browser-session cookie: no Max-Age, no Expires").toBe(-1);
      expect(longLived.expires, "remember me: persistent for about 30 days").toBeGreaterThan(
        now + 29 * 86_400,
      );
    } finally {
      await Promise.all([plain.close(), remembered.close()]);
    }
  });

  test("gets a new value at every sign-in, and the previous value no longer works", async ({
    browser,
    signedInPage,
    account,
  }) => {
    const before = await sessionCookie(signedInPage.context());
    await signIn(signedInPage, account);
    const after = await sessionCookie(signedInPage.context());
    expect(after.value, "sign-in must rotate the cookie").not.toBe(before.value);

    const replay = await browser.newContext();
    try {
      await replay.addCookies([before]);
      const page = await replay.newPage();
      await page.goto("/devices");
      await expect(page, "the pre-login cookie must be dead").toHaveURL(/\/login\?/);
    } finally {
      await replay.close();
    }
    await signedInPage.goto("/devices");
    await expect(signedInPage.getByText("This device")).toBeVisible();
  });

  test("a tampered or garbage cookie signs you out, never a server error", async ({
    browser,
    signedInPage,
  }) => {
    const real = await sessionCookie(signedInPage.context());
    const flipped = `${real.value.slice(0, -2)}${real.value.endsWith("AA") ? "BB" : "AA"}`;
    const values = [flipped, "garbage", "", "%%%", "a".repeat(3000), real.value.split("").reverse().join("")];
    for (const value of values) {
      const context = await browser.newContext();
      try {
        await context.addCookies([{ ...real, value }]);
        const page = await context.newPage();
        const publicResponse = await page.goto("/");
        expect(publicResponse?.status(), `public page with cookie "${value.slice(0, 20)}"`).toBe(200);
        const response = await page.goto("/devices");
        expect(response?.status(), `protected page with cookie "${value.slice(0, 20)}"`).toBeLessThan(500);
        await expect(page).toHaveURL(/\/login\?/);
        await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
      } finally {
        await context.close();
      }
    }
  });
});
