/**
 * Hand-made requests against the production server: Server Action posts that no form of the app sends (JSON,
 * text, an argument that is not FormData, an oversized or unannounced body) get a clear 4xx and leave no error
 * in the server log; anonymous posts from another origin are refused although anonymous pages skip middleware
 * (ADR 013); a replayed hand-off header on a file path does not sign the layout in.
 */
import { readFileSync, statSync } from "node:fs";
import { request as httpRequest } from "node:http";
import type { Page } from "@playwright/test";
import { createSessionKit } from "@/lib/session";
import { expect, newDevice, sessionCookie, test, USER_AGENTS, type Account } from "./fixtures";
import { kitContext } from "@/lib/session/kit";

/** What the server logs from now on. */
function serverLog(): { lines: () => string[] } {
  const file = process.env.E2E_SERVER_LOG;
  if (file === undefined || file === "") throw new Error("e2e: E2E_SERVER_LOG is not set");
  const start = statSync(file).size;
  return {
    lines: () =>
      readFileSync(file)
        .subarray(start)
        .toString("utf8")
        .split("\n")
        .filter((line) => line.trim() !== ""),
  };
}

type Action = { path: string; headers: Record<string, string> };

/** The headers Next's client sends with the sign-in action, captured from a real submission. */
async function signInAction(page: Page): Promise<Action> {
  await page.goto("/login");
  await page.getByLabel("Email").fill("nobody@example.test");
  await page.getByLabel("Password").fill("not a password");
  const posted = page.waitForRequest(
    (request) => request.method() === "POST" && "next-action" in request.headers(),
  );
  await page.getByRole("button", { name: "Sign in" }).click();
  const request = await posted;
  const sent = await request.allHeaders();
  const headers: Record<string, string> = {
    origin: new URL(request.url()).origin,
    accept: "text/x-component",
  };
  for (const name of ["next-action", "next-router-state-tree"]) {
    const value = sent[name];
    if (value !== undefined) headers[name] = value;
  }
  return { path: new URL(request.url()).pathname, headers };
}

/** A raw HTTP/1.1 POST; `chunked` sends the body without a Content-Length. */
function post(
  baseURL: string,
  action: Action,
  body: string,
  contentType: string,
  options: { chunked?: boolean } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...action.headers, "content-type": contentType };
    if (options.chunked === true) headers["transfer-encoding"] = "chunked";
    else headers["content-length"] = String(Buffer.byteLength(body));
    const req = httpRequest(new URL(action.path, baseURL), { method: "POST", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    if (options.chunked === true) {
      // Two chunks, so Node cannot know the length up front.
      req.write(body.slice(0, 10));
      req.end(body.slice(10));
    } else {
      req.end(body);
    }
  });
}

function multipart(fields: Record<string, string>): { body: string; contentType: string } {
  const boundary = "----e2e-boundary-7d0a3c";
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  return {
    body: `${parts.join("")}--${boundary}--\r\n`,
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** The fields React renders for the no-JS submission of the sign-in form, filled in for `account`. */
async function loginFormFields(page: Page, account: Account): Promise<Record<string, string>> {
  const html = await (await page.request.get("/login")).text();
  const fields = await page.evaluate((source) => {
    const doc = new DOMParser().parseFromString(source, "text/html");
    const form = doc.querySelector("form:has(input[name=password])");
    if (form === null) throw new Error("no sign-in form in the HTML of /login");
    const found: Record<string, string> = {};
    for (const input of form.querySelectorAll("input"))
      if (input.name !== "") found[input.name] = input.value;
    return found;
  }, html);
  return { ...fields, email: account.email, password: account.password };
}

const ERROR_LINE = /error|⨯|exceeded|413/i;

test.describe("hand-made requests", () => {
  test("a Server Action posted as JSON or text is refused with 400, and the server logs no error", async ({
    page,
    baseURL,
  }) => {
    const action = await signInAction(page);
    const log = serverLog();
    const args = JSON.stringify([{ status: "idle" }, { email: "a@example.test" }]);
    const json = await post(baseURL ?? "", action, args, "application/json");
    expect(json.status, `JSON body: ${json.body.slice(0, 200)}`).toBe(400);
    const text = await post(baseURL ?? "", action, args, "text/plain;charset=UTF-8");
    expect(text.status, `text body: ${text.body.slice(0, 200)}`).toBe(400);
    const urlencoded = await post(
      baseURL ?? "",
      action,
      "email=a%40example.test",
      "application/x-www-form-urlencoded",
    );
    expect(urlencoded.status, "url-encoded body").toBe(400);
    expect(
      log.lines().filter((line) => ERROR_LINE.test(line)),
      "error lines in the server log",
    ).toEqual([]);
  });

  test("a Server Action called with an argument that is not FormData answers with a form error", async ({
    page,
    baseURL,
  }) => {
    const action = await signInAction(page);
    const log = serverLog();
    // How Next's client encodes a call with a string where the form data should be.
    const { body, contentType } = multipart({ "0": JSON.stringify([{ status: "idle" }, "not form data"]) });
    const response = await post(baseURL ?? "", action, body, contentType);
    expect(response.status, response.body.slice(0, 300)).toBe(200);
    expect(response.body).toContain("Check the highlighted fields");
    expect(
      log.lines().filter((line) => ERROR_LINE.test(line)),
      "error lines in the server log",
    ).toEqual([]);
  });

  test("an oversized Server Action body is refused with 413, one without a length with 411, and nothing is logged", async ({
    page,
    baseURL,
  }) => {
    const action = await signInAction(page);
    const log = serverLog();
    const big = multipart({
      "1_email": "a@example.test",
      "1_password": "x".repeat(1024 * 1024),
      "0": JSON.stringify([{ status: "idle" }, "$K1"]),
    });
    const oversized = await post(baseURL ?? "", action, big.body, big.contentType);
    expect(oversized.status, `1 MiB field: ${oversized.body.slice(0, 200)}`).toBe(413);

    const small = multipart({
      "1_email": "a@example.test",
      "0": JSON.stringify([{ status: "idle" }, "$K1"]),
    });
    const unannounced = await post(baseURL ?? "", action, small.body, small.contentType, { chunked: true });
    expect(unannounced.status, `chunked body: ${unannounced.body.slice(0, 200)}`).toBe(411);

    // Control: the same small body with its length runs the action (a form error: no password).
    const announced = await post(baseURL ?? "", action, small.body, small.contentType);
    expect(announced.status).toBe(200);
    expect(announced.body).toContain("Check the highlighted fields");
    expect(
      log.lines().filter((line) => ERROR_LINE.test(line)),
      "error lines in the server log",
    ).toEqual([]);
  });

  test("anonymous posts to the sign-in page from another origin are refused with 403, JS action or no-JS form", async ({
    page,
    baseURL,
    account,
  }) => {
    const origin = new URL(baseURL ?? "").origin;
    const action = await signInAction(page);
    const log = serverLog();
    const filled = multipart({
      "1_email": account.email,
      "1_password": account.password,
      "0": JSON.stringify([{ status: "idle" }, "$K1"]),
    });
    const forgedAction = { ...action, headers: { ...action.headers, origin: "https://evil.example" } };
    const forged = await post(baseURL ?? "", forgedAction, filled.body, filled.contentType);
    expect(forged.status, `cross-origin action: ${forged.body.slice(0, 200)}`).toBe(403);

    // Without JavaScript the browser posts the form itself: no Next-Action header, no cookie, just Origin.
    const fields = await loginFormFields(page, account);
    expect(
      Object.keys(fields).some((name) => name.startsWith("$ACTION")),
      "found the action fields",
    ).toBe(true);
    const forgedForm = await page.request.post("/login", {
      multipart: fields,
      headers: { origin: "https://evil.example" },
      maxRedirects: 0,
    });
    expect(forgedForm.status(), "cross-origin no-JS form post").toBe(403);
    expect(forgedForm.headers()["set-cookie"] ?? "", "no session from a forged post").not.toMatch(/session=/);

    // Control: the same no-JS post from this origin signs in, so the refusals above are about Origin.
    const genuine = await page.request.post("/login", {
      multipart: fields,
      headers: { origin },
      maxRedirects: 0,
    });
    expect(genuine.status(), "same-origin no-JS form post").toBeLessThan(400);
    expect(genuine.headers()["set-cookie"] ?? "", "signed in").toMatch(/(^|\n)__Host-session=[^;]/);
    expect(
      log.lines().filter((line) => ERROR_LINE.test(line)),
      "error lines in the server log",
    ).toEqual([]);
  });

  test("a replayed hand-off header on a file path does not render the layout as signed in", async ({
    browser,
    account,
    request,
  }) => {
    const device = await newDevice(browser, account, USER_AGENTS.desktopChrome);
    const cookie = await sessionCookie(device.context);
    await device.context.close();
    // The kit as the server runs it (same secret, store and secure cookie name).
    const kit = createSessionKit({ config: { secureCookie: true } });
    const validated = await kit.validateSessionToken(cookie.value);
    if (!validated.ok) throw new Error(`setup: the session is not valid (${validated.reason})`);
    // A genuine hand-off for this very cookie, captured while the session lived (e.g. from a proxy hop).
    const handoff = await kitContext(kit).handoff.sign(validated.session, cookie.value);
    expect((await kitContext(kit).handoff.verify(handoff, cookie.value))?.session.id).toBe(
      validated.session.id,
    );
    const revoked = await kit.revokeSession(validated.session.userId, validated.session.id);
    expect(revoked.ok && revoked.revoked, "setup: session revoked").toBe(true);

    for (const path of ["/missing.png", "/favicon.ico", "/robots.txt", "/no-such-page"]) {
      const response = await request.get(path, {
        headers: { cookie: `${cookie.name}=${cookie.value}`, "x-session-handoff": handoff },
        maxRedirects: 0,
      });
      const html = await response.text();
      expect(html.includes(account.email), `${path} rendered the layout signed in`).toBe(false);
      expect(html.includes(">Sign in</a>"), `${path} shows the signed-out header`).toBe(true);
    }
  });
});
