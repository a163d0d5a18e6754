/**
 * Redis commands per operation, counted at the Redis server (MONITOR), against `next start`.
 * Plain HTTP for page loads, client navigations and prefetches (repeated, steady state: scripts loaded, touch not
 * due); Chromium for sign-in, a server action and sign-out everywhere. Deferred work (after(), waitUntil) is
 * included: each window waits until the server's counters stop moving.
 */
import type { Browser } from "@playwright/test";
import { formatCounts, totalCommands, type CommandCounter, type Window } from "./command-counter";
import { newAccount, openDevice, sessionCookieHeader, signIn, signUp, submitLogin } from "./browser";

export type OpRow = {
  operation: string;
  how: string;
  /** Commands clients sent (REST round trips), most frequent count across repeats. */
  commands: number;
  detail: string;
  /** Commands run inside Lua scripts in the same window. */
  inScripts: string;
  samples: number;
};

const REPEATS = 5;

async function measure(counter: CommandCounter, run: () => Promise<void>): Promise<Window> {
  const from = counter.mark();
  await run();
  return counter.settle(from);
}

/** The most frequent count across repeats (steady state), with its breakdown. */
function steady(operation: string, how: string, deltas: Window[]): OpRow {
  // BENCH_TRACE=1: every command of the last window on stderr, to attribute each round trip to its caller.
  if (process.env.BENCH_TRACE === "1") {
    process.stderr.write(`bench trace: ${operation}\n${deltas.at(-1)?.trace.join("\n") ?? ""}\n`);
  }
  const byTotal = new Map<number, Window>();
  const frequency = new Map<number, number>();
  for (const delta of deltas) {
    const total = totalCommands(delta.sent);
    byTotal.set(total, delta);
    frequency.set(total, (frequency.get(total) ?? 0) + 1);
  }
  const [total] = [...frequency.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0] ?? [Number.NaN];
  const spread = [...frequency.keys()].sort((a, b) => a - b);
  const note = spread.length > 1 ? ` (runs saw ${spread.join(", ")})` : "";
  return {
    operation,
    how,
    commands: total,
    detail: formatCounts(byTotal.get(total)?.sent ?? {}) + note,
    inScripts: formatCounts(byTotal.get(total)?.inScripts ?? {}),
    samples: deltas.length,
  };
}

async function request(url: string, headers: Record<string, string>): Promise<string> {
  const response = await fetch(url, { headers, redirect: "manual" });
  await response.arrayBuffer();
  const location = response.headers.get("location");
  return location === null ? String(response.status) : `${response.status} → ${location}`;
}

async function repeated(
  counter: CommandCounter,
  url: string,
  headers: Record<string, string>,
  expectStatus: number,
): Promise<Window[]> {
  // Next 16 answers an RSC request without the matching `_rsc` cache-busting parameter with a 307 to the URL
  // that has it (the value hashes the router headers): discover it once, outside the measured window.
  const first = await fetch(url, { headers, redirect: "manual" });
  await first.arrayBuffer();
  const location = first.headers.get("location");
  if (first.status === 307 && location !== null && location.includes("_rsc"))
    url = new URL(location, url).href;
  await request(url, headers); // warm-up: compiled route, loaded scripts
  const deltas: Window[] = [];
  for (let i = 0; i < REPEATS; i += 1) {
    let status = "";
    deltas.push(
      await measure(counter, async () => {
        status = await request(url, headers);
      }),
    );
    if (status !== String(expectStatus))
      throw new Error(`bench: ${url} answered ${status}, expected ${expectStatus}`);
  }
  return deltas;
}

export async function measureCommandsPerOp(
  browser: Browser,
  baseURL: string,
  counter: CommandCounter,
): Promise<OpRow[]> {
  const rows: OpRow[] = [];
  const account = newAccount("ops");
  const first = await openDevice(browser, baseURL);
  await signUp(first.page, account);
  await signIn(first.page, account); // warm-up: loads every script the sign-in path uses

  // Sign-in, measured from the click to the rendered /devices (the action redirects there). Twice, from two
  // browsers: the first call of a script in a fresh process costs one more round trip (EVALSHA → NOSCRIPT → EVAL).
  const main = await openDevice(browser, baseURL);
  const spare = await openDevice(browser, baseURL);
  const logins: Window[] = [];
  for (const device of [main, spare]) {
    await device.page.goto("/login");
    logins.push(await measure(counter, () => submitLogin(device.page, account)));
  }
  rows.push(steady("sign-in (server action + redirect render of /devices)", "Chromium", logins));

  const cookie = await sessionCookieHeader(main.context);
  const page = { cookie };
  const rsc = { cookie, RSC: "1" };
  const prefetch = { cookie, RSC: "1", "Next-Router-Prefetch": "1" };
  rows.push(
    steady(
      "protected page, full load (/account)",
      "HTTP GET",
      await repeated(counter, `${baseURL}/account`, page, 200),
    ),
  );
  rows.push(
    steady(
      "protected page, client navigation (/account, RSC: 1)",
      "HTTP GET",
      await repeated(counter, `${baseURL}/account`, rsc, 200),
    ),
  );
  rows.push(
    steady(
      "prefetch (/account, RSC: 1 + Next-Router-Prefetch: 1)",
      "HTTP GET",
      await repeated(counter, `${baseURL}/account`, prefetch, 200),
    ),
  );
  rows.push(
    steady(
      "devices page, full load (/devices)",
      "HTTP GET",
      await repeated(counter, `${baseURL}/devices`, page, 200),
    ),
  );
  rows.push(
    steady(
      "session watch check (GET /api/session, on tab focus)",
      "HTTP GET",
      await repeated(counter, `${baseURL}/api/session`, page, 200),
    ),
  );
  rows.push(
    steady(
      "public page with a session cookie (/)",
      "HTTP GET",
      await repeated(counter, `${baseURL}/`, page, 200),
    ),
  );
  rows.push(
    steady("public page, no cookie (/)", "HTTP GET", await repeated(counter, `${baseURL}/`, {}, 200)),
  );

  // A server action: sign out one other device from the devices page (action + revalidated /devices render).
  // Twice (first call of the script, then steady state); the cap of 3 has evicted `first` by now.
  const other = await openDevice(browser, baseURL);
  await signIn(other.page, account);
  await main.page.goto("/devices");
  // Cards of the other devices: the "This device" label is stable while a card switches to its confirm step.
  const others = main.page
    .getByRole("list", { name: "Signed-in devices" })
    .getByRole("listitem")
    .filter({ hasNot: main.page.getByText("This device", { exact: true }) });
  const revokes: Window[] = [];
  for (let i = 0; i < 2; i += 1) {
    await main.page.goto("/devices");
    revokes.push(
      await measure(counter, async () => {
        const card = others.first();
        await card.getByRole("button", { name: /^Sign out .+ on / }).click();
        await card.getByRole("button", { name: /^Confirm sign out of / }).click();
        await main.page.getByRole("status").getByText("Signed out of 1 device.").waitFor();
      }),
    );
  }
  rows.push(steady("server action: sign out one device (revokeSessionAction)", "Chromium", revokes));

  // Sign out everywhere: action + redirect render of /login. Twice.
  const everywhere: Window[] = [];
  for (let i = 0; i < 2; i += 1) {
    if (i > 0) await signIn(main.page, account);
    await main.page.goto("/devices");
    everywhere.push(
      await measure(counter, async () => {
        await main.page.getByRole("button", { name: "Sign out everywhere" }).click();
        await main.page.getByRole("button", { name: "Confirm sign out everywhere" }).click();
        await main.page.waitForURL(/\/login\?signed_out=everywhere$/);
      }),
    );
  }
  rows.push(steady("sign out everywhere (revokeUserSessionsAction)", "Chromium", everywhere));

  // Plain sign-out from the header. Twice.
  const logouts: Window[] = [];
  for (let i = 0; i < 2; i += 1) {
    await signIn(other.page, account);
    logouts.push(
      await measure(counter, async () => {
        await other.page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
        await other.page.waitForURL(/\/login\?signed_out=1$/);
      }),
    );
  }
  rows.push(steady("sign out (revokeCurrentSessionAction, header)", "Chromium", logouts));

  const devices = [first, main, spare, other];
  const aborted = devices.reduce((sum, device) => sum + device.prefetchesAborted(), 0);
  process.stderr.write(`bench: ${aborted} router prefetches aborted in the browser windows\n`);
  await Promise.all(devices.map((device) => device.context.close()));
  return rows;
}
