/**
 * Redis outage at the HTTP level, against the production build: a signed-in browser's cookie is replayed by
 * many concurrent requests (Playwright's request context) while the control port SIGKILLs Redis (after a
 * snapshot) and restarts it, or
 * makes every REST call of the app wait 3 s (POST /rest/delay?ms=3000, a delay proxy in the e2e server).
 * Invariants: a protected request answers 200 or the documented 503, quickly (SESSION_REDIS_TIMEOUT_MS is 1000 in
 * the e2e server); never a redirect to /login, never a Set-Cookie that clears or replaces the session cookie;
 * once Redis is back the same cookie works.
 */
import type { APIResponse, Page } from "@playwright/test";
import { expect, sessionCookie, test } from "./fixtures";

const REDIS_TIMEOUT_MS = 1_000;
/** Next's own work per request plus scheduling on a shared 2-core machine. */
const MAX_RESPONSE_MS = REDIS_TIMEOUT_MS + 1_500;
const PROTECTED = ["/devices", "/account"] as const;

function controlUrl(path: string): string {
  const base = process.env.E2E_CONTROL_URL;
  if (base === undefined || base === "") {
    throw new Error("e2e: E2E_CONTROL_URL is not set (run through tests/playwright.config.ts)");
  }
  return new URL(path, base).toString();
}

type Hit = { path: string; status: number; ms: number; location: string; setCookies: string[] };

async function hit(page: Page, path: string): Promise<Hit> {
  const started = Date.now();
  const response: APIResponse = await page.request.get(path, { maxRedirects: 0, timeout: 15_000 });
  const ms = Date.now() - started;
  const setCookies = response
    .headersArray()
    .filter((header) => header.name.toLowerCase() === "set-cookie")
    .map((header) => header.value);
  return { path, status: response.status(), ms, location: response.headers().location ?? "", setCookies };
}

/** `workers` loops over the protected pages until `durationMs` has passed. */
async function load(page: Page, workers: number, durationMs: number): Promise<Hit[]> {
  const hits: Hit[] = [];
  const until = Date.now() + durationMs;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      let i = w;
      while (Date.now() < until) {
        hits.push(await hit(page, PROTECTED[i % PROTECTED.length] as string));
        i += 1;
      }
    }),
  );
  return hits;
}

function touchesSessionCookie(setCookie: string, name: string): boolean {
  return setCookie.startsWith(`${name}=`);
}

test.describe("faults: Redis killed or slow under concurrent protected requests", () => {
  test.describe.configure({ mode: "serial" });

  test.afterEach(async ({ request }) => {
    await request.post(controlUrl("/redis/start"));
    await request.post(controlUrl("/rest/delay?ms=0"));
  });

  test("every protected request is 200 or a quick 503, none signs out or touches the cookie, and the session survives", async ({
    signedInPage,
    request,
  }) => {
    const cookie = await sessionCookie(signedInPage.context());
    const warm = await hit(signedInPage, "/devices");
    expect(warm.status, "signed in before the outage").toBe(200);

    const stopping = (async (): Promise<void> => {
      await new Promise((resolve) => setTimeout(resolve, 800));
      const killed = await request.post(controlUrl("/redis/kill"));
      expect(killed.ok(), "control server killed Redis").toBe(true);
    })();
    const hits = await load(signedInPage, 8, 3_000);
    await stopping;

    const statuses = new Set(hits.map((h) => h.status));
    expect([...statuses].sort(), "only 200 and the documented 503").toEqual(
      [...statuses].filter((s) => s === 200 || s === 503).sort(),
    );
    expect(
      hits.filter((h) => h.location.includes("/login")),
      "no request is sent to sign in again",
    ).toEqual([]);
    expect(
      hits.flatMap((h) => h.setCookies).filter((c) => touchesSessionCookie(c, cookie.name)),
      "no Set-Cookie for the session cookie (neither cleared nor replaced)",
    ).toEqual([]);
    const slowest = Math.max(...hits.map((h) => h.ms));
    expect(slowest, `slowest response vs SESSION_REDIS_TIMEOUT_MS ${REDIS_TIMEOUT_MS}`).toBeLessThan(
      MAX_RESPONSE_MS,
    );
    expect(hits.filter((h) => h.status === 200).length, "requests served before the stop").toBeGreaterThan(0);
    expect(hits.filter((h) => h.status === 503).length, "requests that met the outage").toBeGreaterThan(5);

    const started = await request.post(controlUrl("/redis/start"));
    expect(started.ok(), "control server started Redis").toBe(true);
    await expect(async () => {
      expect((await hit(signedInPage, "/devices")).status).toBe(200);
    }, "the same cookie works once Redis is back").toPass({ timeout: 15_000 });
    const after = await Promise.all(PROTECTED.map((path) => hit(signedInPage, path)));
    expect(after.map((h) => h.status)).toEqual(PROTECTED.map(() => 200));
    expect((await sessionCookie(signedInPage.context())).value, "the browser kept its cookie").toBe(
      cookie.value,
    );
  });

  test("a REST server that answers 3 s late: protected requests are a quick 503 with the cookie kept, then 200 again", async ({
    signedInPage,
    request,
  }) => {
    const cookie = await sessionCookie(signedInPage.context());
    expect((await hit(signedInPage, "/devices")).status, "signed in before").toBe(200);

    const slowed = await request.post(controlUrl("/rest/delay?ms=3000"));
    expect(slowed.ok(), "control server slowed the REST server").toBe(true);
    const hits = await load(signedInPage, 6, 4_000);
    expect(new Set(hits.map((h) => h.status)), "every protected request is the documented 503").toEqual(
      new Set([503]),
    );
    const slowest = Math.max(...hits.map((h) => h.ms));
    expect(slowest, `slowest response vs SESSION_REDIS_TIMEOUT_MS ${REDIS_TIMEOUT_MS}`).toBeLessThan(
      MAX_RESPONSE_MS,
    );
    expect(Math.min(...hits.map((h) => h.ms)), "each waited for the store's timeout").toBeGreaterThanOrEqual(
      REDIS_TIMEOUT_MS - 50,
    );
    expect(
      hits.filter((h) => h.location.includes("/login")),
      "nobody is signed out",
    ).toEqual([]);
    expect(
      hits.flatMap((h) => h.setCookies).filter((c) => touchesSessionCookie(c, cookie.name)),
      "no Set-Cookie for the session cookie",
    ).toEqual([]);

    await request.post(controlUrl("/rest/delay?ms=0"));
    await expect(async () => {
      expect((await hit(signedInPage, "/devices")).status).toBe(200);
    }, "the same cookie works once the REST server is fast again").toPass({ timeout: 15_000 });
    expect((await sessionCookie(signedInPage.context())).value, "the browser kept its cookie").toBe(
      cookie.value,
    );
  });
});
