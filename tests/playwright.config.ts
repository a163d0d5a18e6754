/**
 * Playwright configuration: specs in tests/e2e run in Chromium against a production build served
 * by scripts/e2e-server.ts (isolated redis-server + REST server + `next build` + `next start`).
 *
 * Ports are picked once in the runner process and passed through the environment, which the
 * workers inherit: E2E_PORT (app), E2E_CONTROL_PORT (POST /redis/stop|start, exposed to specs as
 * E2E_CONTROL_URL), E2E_REST_PORT/E2E_REST_TOKEN (exposed as UPSTASH_REDIS_REST_URL/TOKEN so
 * fixtures can reach the same store). One worker: the outage specs stop Redis for everybody.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, devices } from "@playwright/test";
import { CHROMIUM_ARGS, SYSTEM_CHROMIUM } from "../scripts/chromium";

const root = fileURLToPath(new URL("..", import.meta.url));
const E2E_SESSION_SECRET = "e2e-session-secret-0123456789-abcdefghijklmnop";

/** A free loopback port, found synchronously (config files cannot await reliably); never 6379. */
function freePortSync(): number {
  const script =
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  for (;;) {
    const port = Number(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }));
    if (Number.isInteger(port) && port > 0 && port !== 6379) return port;
  }
}

process.env.E2E_PORT ??= String(freePortSync());
process.env.E2E_CONTROL_PORT ??= String(freePortSync());
process.env.E2E_REST_PORT ??= String(freePortSync());
process.env.E2E_REST_TOKEN ??= randomBytes(24).toString("base64url");
process.env.E2E_CONTROL_URL = `http://127.0.0.1:${process.env.E2E_CONTROL_PORT}`;
process.env.UPSTASH_REDIS_REST_URL = `http://127.0.0.1:${process.env.E2E_REST_PORT}`;
process.env.UPSTASH_REDIS_REST_TOKEN = process.env.E2E_REST_TOKEN;
process.env.SESSION_SECRET ??= E2E_SESSION_SECRET;
// The admin of tests/e2e/admin.spec.ts and the one tests/e2e/a11y.spec.ts scans /admin as (ADMIN_EMAILS), and the
// scrape token the metrics test uses.
process.env.E2E_ADMIN_EMAIL ??= `admin-${randomBytes(4).toString("hex")}@example.test`;
process.env.E2E_A11Y_ADMIN_EMAIL ??= `a11y-admin-${randomBytes(4).toString("hex")}@example.test`;
process.env.ADMIN_EMAILS ??= `${process.env.E2E_ADMIN_EMAIL},${process.env.E2E_A11Y_ADMIN_EMAIL}`;
process.env.E2E_METRICS_TOKEN ??= randomBytes(24).toString("base64url");
// What `next start` logs, for specs that check the server logged no error (see tests/e2e/hostile-requests.spec.ts).
process.env.E2E_SERVER_LOG ??= join(tmpdir(), `e2e-server-${process.env.E2E_PORT}.log`);

const baseURL = `http://127.0.0.1:${process.env.E2E_PORT}`;

export default defineConfig({
  testDir: "./e2e",
  outputDir: `${root}test-results`,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: process.env.CI !== undefined,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: existsSync(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : undefined,
          args: CHROMIUM_ARGS,
        },
      },
    },
  ],
  webServer: {
    command: "node_modules/.bin/tsx scripts/e2e-server.ts",
    cwd: root,
    url: `${baseURL}/api/health`,
    // `next build` on a 2-core machine that other builds share.
    timeout: 15 * 60_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    env: {
      E2E_PORT: process.env.E2E_PORT,
      E2E_CONTROL_PORT: process.env.E2E_CONTROL_PORT,
      E2E_REST_PORT: process.env.E2E_REST_PORT,
      E2E_REST_TOKEN: process.env.E2E_REST_TOKEN,
      SESSION_SECRET: process.env.SESSION_SECRET,
      E2E_SERVER_LOG: process.env.E2E_SERVER_LOG,
      ADMIN_EMAILS: process.env.ADMIN_EMAILS,
      NEXT_TELEMETRY_DISABLED: "1",
      METRICS_TOKEN: process.env.E2E_METRICS_TOKEN,
    },
  },
});
