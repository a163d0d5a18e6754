import type { Page } from "@playwright/test";
import { expect, test, USER_AGENTS } from "./fixtures";

function controlUrl(path: string): string {
  const base = process.env.E2E_CONTROL_URL;
  if (base === undefined || base === "") {
    throw new Error("e2e: E2E_CONTROL_URL is not set (run through tests/playwright.config.ts)");
  }
  return new URL(path, base).toString();
}

/** The hidden fields React renders for the no-JS submission of the "Sign out everywhere" form. */
async function signOutEverywhereFields(page: Page): Promise<Record<string, string>> {
  const html = await (await page.request.get("/devices")).text();
  return page.evaluate((source) => {
    const doc = new DOMParser().parseFromString(source, "text/html");
    const button = [...doc.querySelectorAll("button")].find((b) => b.textContent === "Sign out everywhere");
    const form = button?.closest("form");
    if (form === null || form === undefined) throw new Error("no Sign out everywhere form in the HTML");
    const fields: Record<string, string> = {};
    for (const input of form.querySelectorAll("input")) fields[input.name] = input.value;
    return fields;
  }, html);
}

test.describe("attacks and outages", () => {
  test("a cross-origin form post to a server action is refused, a same-origin one works", async ({
    signedInPage,
    baseURL,
  }) => {
    const fields = await signOutEverywhereFields(signedInPage);
    expect(
      Object.keys(fields).some((name) => name.startsWith("$ACTION")),
      "found the action fields",
    ).toBe(true);

    const forged = await signedInPage.request.post("/devices", {
      multipart: fields,
      headers: { origin: "https://evil.example" },
      maxRedirects: 0,
    });
    expect(forged.status(), "cross-origin action post").toBe(403);
    await signedInPage.goto("/devices");
    await expect(signedInPage.getByText("This device", { exact: true }), "still signed in").toBeVisible();

    // Control: the same request from our own origin does run the action, so the refusal above is about Origin.
    const genuine = await signedInPage.request.post("/devices", {
      multipart: fields,
      headers: { origin: new URL(baseURL ?? "").origin },
      maxRedirects: 0,
    });
    expect(genuine.status(), "same-origin action post").toBeLessThan(400);
    await signedInPage.goto("/devices");
    await expect(signedInPage).toHaveURL(/\/login\?/);
  });

  test.describe("when Redis stops", () => {
    test.describe.configure({ mode: "serial" });

    test.afterEach(async ({ request }) => {
      await request.post(controlUrl("/redis/start"));
    });

    test("a protected page answers 503 without signing out, and the same session works once Redis is back", async ({
      signedInPage,
      request,
    }) => {
      const stopped = await request.post(controlUrl("/redis/stop"));
      expect(stopped.ok(), "control server stopped Redis").toBe(true);

      const response = await signedInPage.goto("/devices");
      expect(response?.status(), "protected page while Redis is down").toBe(503);
      const publicResponse = await signedInPage.goto("/");
      expect(publicResponse?.status(), "public page while Redis is down").toBe(200);

      const started = await request.post(controlUrl("/redis/start"));
      expect(started.ok(), "control server started Redis").toBe(true);
      await expect(async () => {
        const again = await signedInPage.goto("/devices");
        expect(again?.status()).toBe(200);
      }, "the same cookie works again").toPass({ timeout: 15_000 });
      await expect(signedInPage.getByText("This device", { exact: true })).toBeVisible();
    });

    test("an action during the outage says nothing changed, and nobody is signed out", async ({
      openDevice,
      request,
    }) => {
      const a = await openDevice(USER_AGENTS.desktopChrome);
      const b = await openDevice(USER_AGENTS.iphoneSafari);
      await b.page.getByRole("button", { name: "Sign out everywhere" }).click();

      expect((await request.post(controlUrl("/redis/stop"))).ok(), "control server stopped Redis").toBe(true);
      await b.page.getByRole("button", { name: "Confirm sign out everywhere" }).click();
      await expect(b.page.getByRole("status")).toHaveText(
        "The session store is unavailable. Nothing changed; try again in a moment.",
      );
      expect((await request.post(controlUrl("/redis/start"))).ok(), "control server started Redis").toBe(
        true,
      );

      for (const device of [a, b]) {
        await expect(async () => {
          const response = await device.page.goto("/devices");
          expect(response?.status()).toBe(200);
        }, "every device is still signed in").toPass({ timeout: 15_000 });
        await expect(device.page.getByText("This device", { exact: true })).toBeVisible();
      }
    });
  });
});
