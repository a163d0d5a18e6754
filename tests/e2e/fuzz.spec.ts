/**
 * Property-based fuzzing (fast-check) of the production app's inputs, through Playwright's request context:
 * session cookies (random bytes, truncated and re-sealed seals, huge, unicode), the sign-in and sign-up forms
 * (huge, unicode, missing, duplicated fields), `next=` and X-Forwarded-For.
 * Invariants for every generated request: no 5xx other than the documented 503 (and Redis is up here, so no
 * 503 either); a protected page answers 200 only to the genuine cookie and then shows its own user; a forged
 * form never sets a session cookie; a sign-in never redirects off-site; a spoofed X-Forwarded-For is not shown.
 * Runs are bounded (numRuns) and seeded per run; a failure prints the seed and the shrunk counterexample.
 */
import { randomBytes } from "node:crypto";
import type { APIRequestContext, Page } from "@playwright/test";
import fc from "fast-check";
import { buildPasswords, sealCookie, unsealCookie, type Passwords } from "@/lib/session/cookie";
import { expect, sessionCookie, signIn, test } from "./fixtures";

const RUNS = Number(process.env.FUZZ_RUNS ?? 120);

function secretPasswords(): Promise<Passwords> {
  const secret = process.env.SESSION_SECRET;
  if (secret === undefined || secret === "") throw new Error("e2e: SESSION_SECRET is not set");
  return buildPasswords({ secret, previousSecrets: [] });
}

/** HTTP header values are bytes: send a string's UTF-8 bytes, without the controls no client may send. */
function headerSafe(value: string): string {
  return Buffer.from(value.replace(/[\u0000-\u001f\u007f]/g, ""), "utf8").toString("latin1");
}

/** Anything a cookie value might hold, from nothing to 6 KB, ASCII to astral plane. */
const cookieJunk = fc.oneof(
  fc.string({ maxLength: 64 }),
  fc.string({ unit: "grapheme", maxLength: 64 }),
  fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes).toString("latin1")),
  fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes).toString("base64url")),
  fc.integer({ min: 1, max: 6_000 }).map((n) => "Fe26.2*".padEnd(n, "A")),
);

type Outcome = { status: number; location: string; body: string; setCookie: string[] };

async function get(
  request: APIRequestContext,
  path: string,
  headers: Record<string, string>,
): Promise<Outcome> {
  const response = await request.get(path, { headers, maxRedirects: 0, timeout: 15_000 });
  return {
    status: response.status(),
    location: response.headers().location ?? "",
    body: response.status() === 200 ? await response.text() : "",
    setCookie: response
      .headersArray()
      .filter((h) => h.name.toLowerCase() === "set-cookie")
      .map((h) => h.value),
  };
}

function expectNoServerError(outcome: Outcome, what: string): void {
  expect(outcome.status, `${what}: never a 5xx`).toBeLessThan(500);
}

/** The hidden inputs of the form holding `buttonName` (Server Action ids for a no-JS post). */
async function formFields(page: Page, path: string, buttonName: string): Promise<Record<string, string>> {
  const html = await (await page.request.get(path)).text();
  return page.evaluate(
    ([source, name]) => {
      const doc = new DOMParser().parseFromString(source, "text/html");
      const button = [...doc.querySelectorAll("button")].find((b) => b.textContent?.trim() === name);
      const form = button?.closest("form");
      if (form === null || form === undefined) throw new Error(`no form with a "${name}" button`);
      const fields: Record<string, string> = {};
      for (const input of form.querySelectorAll<HTMLInputElement>("input[type=hidden]"))
        fields[input.name] = input.value;
      return fields;
    },
    [html, buttonName] as const,
  );
}

/** A field value: missing, empty, huge, unicode, or several (FormData duplicates). */
const fieldValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(""),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.integer({ min: 255, max: 100_000 }).map((n) => "x".repeat(n)),
  fc.emailAddress(),
  fc.array(fc.string({ maxLength: 20 }), { minLength: 2, maxLength: 4 }),
);

/** A raw multipart body, so a field can appear several times or hold any UTF-8. */
function multipart(fields: Record<string, string | string[] | undefined>): { body: Buffer; type: string } {
  const boundary = `----fuzz${randomBytes(8).toString("hex")}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      parts.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`, "utf8"),
        Buffer.from(item, "utf8"),
        Buffer.from("\r\n", "utf8"),
      );
    }
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`, "utf8"));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

test.describe("fuzzing the production app", () => {
  test("session cookies: random, truncated, re-sealed, huge or unicode values never 5xx and never open another user's session", async ({
    signedInPage,
    account,
    playwright,
    baseURL,
  }) => {
    test.setTimeout(180_000);
    const genuine = await sessionCookie(signedInPage.context());
    const passwords = await secretPasswords();
    const payload = await unsealCookie(genuine.value, passwords);
    expect(payload, "the genuine cookie unseals with the e2e secret").not.toBeNull();
    const victim = payload?.u ?? "";
    // A bare context: the only cookie is the one each run sends.
    const request = await playwright.request.newContext({ baseURL });
    const send = (value: string): Promise<Outcome> =>
      get(request, "/devices", { cookie: `${genuine.name}=${headerSafe(value)}` });

    const control = await send(genuine.value);
    expect(control.status, "the genuine cookie opens /devices").toBe(200);
    expect(control.body).toContain(account.email);

    const candidates = fc.oneof(
      cookieJunk,
      // Truncated seals, with a tail of junk appended.
      fc
        .tuple(fc.nat({ max: genuine.value.length - 1 }), fc.string({ maxLength: 8 }))
        .map(([cut, tail]) => genuine.value.slice(0, cut) + tail),
      // One character of the genuine seal flipped.
      fc
        .tuple(fc.nat({ max: genuine.value.length - 1 }), fc.constantFrom("A", "z", "0", "*", "~"))
        .map(([i, c]) => genuine.value.slice(0, i) + c + genuine.value.slice(i + 1))
        .filter((value) => value !== genuine.value),
    );
    await fc.assert(
      fc.asyncProperty(candidates, async (value) => {
        const outcome = await send(value);
        expectNoServerError(outcome, "junk cookie");
        expect(outcome.status, "a junk cookie is signed out").not.toBe(200);
      }),
      { numRuns: RUNS },
    );

    // Correctly sealed payloads an attacker cannot make without the secret: still never another user's session.
    const resealed = fc.record({
      u: fc.oneof(
        fc.constant(victim),
        fc.string({ maxLength: 300 }),
        fc.string({ unit: "grapheme", maxLength: 40 }),
      ),
      t: fc.oneof(fc.string({ maxLength: 64 }), fc.constant(payload?.t ?? ""), fc.constant("")),
    });
    await fc.assert(
      fc.asyncProperty(resealed, async (forged) => {
        if (forged.u === victim && forged.t === payload?.t) return;
        const value = await sealCookie(forged, passwords, 3600);
        const outcome = await send(value);
        expectNoServerError(outcome, `sealed ${JSON.stringify(forged).slice(0, 80)}`);
        expect(outcome.status, "a forged payload opens no session").not.toBe(200);
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
    await request.dispose();
  });

  test("sign-in and sign-up forms: huge, unicode, missing or duplicated fields never 5xx and never set a session cookie", async ({
    page,
    playwright,
    baseURL,
  }) => {
    test.setTimeout(240_000);
    const login = await formFields(page, "/login", "Sign in");
    const signup = await formFields(page, "/signup", "Create account");
    const origin = new URL(baseURL ?? "").origin;
    const request = await playwright.request.newContext({ baseURL });
    let answeredByAction = 0;

    const form = fc.record({
      target: fc.constantFrom("login", "signup"),
      email: fieldValue,
      password: fieldValue,
      confirm: fieldValue,
      remember: fc.oneof(fc.constant(undefined), fc.constant("on"), fieldValue),
      next: fieldValue,
    });
    await fc.assert(
      fc.asyncProperty(form, async (input) => {
        const hidden = input.target === "login" ? login : signup;
        const fields: Record<string, string | string[] | undefined> = { ...hidden, email: input.email };
        fields.password = input.password;
        if (input.target === "login") {
          fields.remember = input.remember;
          fields.next = input.next;
        } else {
          fields.confirmPassword = input.confirm;
        }
        const { body, type } = multipart(fields);
        const response = await request.post(`/${input.target}`, {
          data: body,
          headers: { "content-type": type, origin },
          maxRedirects: 0,
          timeout: 30_000,
        });
        expect(response.status(), `${input.target} post: never a 5xx`).toBeLessThan(500);
        const cookies = response
          .headersArray()
          .filter(
            (h) =>
              h.name.toLowerCase() === "set-cookie" && /session=/.test(h.value) && !/session=;/.test(h.value),
          );
        expect(cookies, "no session cookie for a fuzzed form").toEqual([]);
        if (
          response.status() === 200 &&
          /Check the highlighted fields|incorrect/.test(await response.text())
        ) {
          answeredByAction += 1;
        }
      }),
      { numRuns: RUNS },
    );
    await request.dispose();
    // The posts really reached the Server Actions (hidden action fields right), not a generic page.
    expect(answeredByAction, "fuzzed posts answered by the actions' own validation").toBeGreaterThan(
      RUNS / 4,
    );
  });

  test("next= on /login and protected pages never 5xx, and a real sign-in never redirects off-site", async ({
    page,
    account,
    playwright,
    baseURL,
  }) => {
    test.setTimeout(180_000);
    const request = await playwright.request.newContext({ baseURL });
    const nextValue = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ unit: "grapheme", maxLength: 40 }),
      fc.webUrl(),
      fc.constantFrom(
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/%2F%2Fevil.example",
        "/\t/evil.example",
      ),
      fc.integer({ min: 2_000, max: 6_000 }).map((n) => `/${"a".repeat(n)}`),
    );
    await fc.assert(
      fc.asyncProperty(nextValue, fc.constantFrom("/login", "/devices", "/account"), async (next, path) => {
        const outcome = await get(request, `${path}?next=${encodeURIComponent(next)}`, {});
        expectNoServerError(outcome, `${path}?next=`);
      }),
      { numRuns: RUNS },
    );
    await request.dispose();

    // Real sign-ins cost a scrypt and count against the account's limit (10 per 15 min): a few, sampled.
    // (/login targets are left out: a signed-in user may legitimately stay there.)
    const samples = fc
      .sample(nextValue, { numRuns: 5, seed: Date.now() })
      .filter((n) => !n.startsWith("/login"));
    for (const next of samples) {
      await page.context().clearCookies();
      await page.goto(`/login?next=${encodeURIComponent(next)}`);
      await page.getByLabel("Email").fill(account.email);
      await page.getByLabel("Password").fill(account.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((url) => url.pathname !== "/login", { timeout: 20_000 });
      expect(new URL(page.url()).origin, `next=${JSON.stringify(next)} stays on this origin`).toBe(
        new URL(baseURL ?? "").origin,
      );
    }
  });

  test("a spoofed X-Forwarded-For never 5xx, and is neither trusted nor shown on the devices page", async ({
    browser,
    account,
  }) => {
    test.setTimeout(180_000);
    const spoofed = fc.oneof(
      fc.ipV4(),
      fc.ipV6(),
      fc.array(fc.ipV4(), { minLength: 2, maxLength: 30 }).map((ips) => ips.join(", ")),
      fc.string({ unit: "grapheme", maxLength: 60 }),
      fc.integer({ min: 1_000, max: 8_000 }).map((n) => "1".repeat(n)),
    );
    // Sign in from a browser that claims another address; the app has no SESSION_TRUSTED_IP_HEADER.
    const context = await browser.newContext({
      extraHTTPHeaders: { "x-forwarded-for": "198.51.100.7, 10.0.0.1" },
    });
    const page = await context.newPage();
    await signIn(page, account);
    await fc.assert(
      fc.asyncProperty(
        spoofed,
        fc.constantFrom("/devices", "/account", "/login", "/"),
        async (value, path) => {
          const response = await page.request.get(path, {
            headers: { "x-forwarded-for": headerSafe(value) },
            maxRedirects: 0,
            timeout: 15_000,
          });
          expect(response.status(), `${path} with X-Forwarded-For`).toBeLessThan(500);
          if (path === "/devices") {
            expect(response.status()).toBe(200);
            expect(await response.text(), "the spoofed address is not shown").not.toContain("198.51.100.");
          }
        },
      ),
      { numRuns: RUNS },
    );
    await context.close();
  });
});
