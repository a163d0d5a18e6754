/**
 * The "copy lib/session into your app" story, for real: `tests/fixtures/copy-app` (a minimal Next.js app whose
 * package.json lists only the kit's dependencies) plus a copy of `lib/session` go into a fresh temp dir, get
 * `npm install`, `next build` and `next start`, and a session is created and validated there against the test
 * stack's Redis. Nothing from this repository is importable from the temp dir.
 *
 * The build gets no secrets and no store at all (as on a CI that builds before deploying); only the server gets
 * them, so nothing can be read at build time. Slow (install + build, 1-3 minutes on two cores): every hook and
 * test sets its own timeout.
 * COPY_STORY_KEEP=1 keeps the temp dir (its path is printed) and the tail of the server log, next-start.log.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomPrefix, restCredentials, testRedis } from "../support/redis";

const repoRoot = process.cwd();
const fixtureDir = join(repoRoot, "tests/fixtures/copy-app");
const TEST_USER_ID = "copy-story-user";
const KIT_DEPENDENCIES = ["iron-session", "@upstash/redis", "nanoid", "zod", "next", "react", "react-dom"];

const SETUP_TIMEOUT_MS = 12 * 60_000;
const TEST_TIMEOUT_MS = 60_000;

/** A child's environment (Next.js's types make NODE_ENV required in NodeJS.ProcessEnv; npm install runs without). */
type Env = Record<string, string | undefined>;

/** The parent's env minus what belongs to this repo, vitest or an enclosing `npm run`. */
function baseEnv(): Env {
  const dropped = /^(SESSION_|UPSTASH_|NEXT_|__NEXT|TURBOPACK|VITEST|TEST_|npm_package_|npm_lifecycle_)/;
  const droppedNames = new Set([
    "NODE_ENV",
    "INIT_CWD",
    "npm_config_local_prefix",
    "npm_config_prefix",
    "npm_config_global_prefix",
  ]);
  const env: Env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!dropped.test(name) && !droppedNames.has(name)) env[name] = value;
  }
  return { ...env, NEXT_TELEMETRY_DISABLED: "1", UPSTASH_DISABLE_TELEMETRY: "1" };
}

/** Keeps the last `limit` characters of a child's output for error messages. */
class OutputTail {
  private text = "";
  constructor(private readonly limit = 6000) {}
  add(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-this.limit);
  }
  toString(): string {
    return this.text;
  }
}

function run(command: string, args: string[], cwd: string, env: Env, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const output = new OutputTail();
    const child = spawn(command, args, {
      cwd,
      env: env as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    child.stdout.on("data", (chunk: Buffer) => output.add(chunk));
    child.stderr.on("data", (chunk: Buffer) => output.add(chunk));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else {
        const why = signal === null ? `exit code ${code}` : `signal ${signal} (timeout ${timeoutMs} ms?)`;
        reject(new Error(`copy-story: \`${command} ${args.join(" ")}\` failed with ${why}:\n${output}`));
      }
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === "object") resolve(address.port);
        else reject(new Error("copy-story: no free port"));
      });
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(-(child.pid as number), name);
    } catch {
      // Already gone.
    }
  };
  signal("SIGTERM");
  const timedOut = await Promise.race([exited.then(() => false), sleep(10_000).then(() => true)]);
  if (timedOut) {
    signal("SIGKILL");
    await exited;
  }
}

/** `name=value` of the cookie `name` among Set-Cookie headers, plus its attributes (lower-cased). */
function findSetCookie(response: Response, name: string): { value: string; attributes: string[] } | null {
  for (const header of response.headers.getSetCookie()) {
    const [pair = "", ...attributes] = header.split(";").map((part) => part.trim());
    const eq = pair.indexOf("=");
    if (pair.slice(0, eq) === name) {
      return { value: pair.slice(eq + 1), attributes: attributes.map((a) => a.toLowerCase()) };
    }
  }
  return null;
}

describe("lib/session copied alone into a fresh Next.js app", () => {
  const keyPrefix = randomPrefix("copy");
  const cookieName = "__Host-session"; // NODE_ENV=production: secure cookie, `__Host-` prefix
  let workDir = "";
  let server: ChildProcess | null = null;
  const serverOutput = new OutputTail();
  let baseUrl = "";

  const get = (path: string, cookie?: string): Promise<Response> =>
    fetch(`${baseUrl}${path}`, {
      redirect: "manual",
      headers: cookie === undefined ? {} : { cookie: `${cookieName}=${cookie}` },
    });

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), "session-kit-copy-story-"));
    if (process.env.COPY_STORY_KEEP === "1") console.info(`copy-story: temp dir ${workDir}`);
    const appDir = join(workDir, "app");
    const skip = new Set(["node_modules", ".next", "next-env.d.ts", "tsconfig.tsbuildinfo"]);
    await cp(fixtureDir, appDir, {
      recursive: true,
      filter: (source) => !skip.has(basename(source)),
    });
    await cp(join(repoRoot, "lib/session"), join(appDir, "lib/session"), { recursive: true });

    const env = baseEnv();
    let started = Date.now();
    await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], appDir, env, 6 * 60_000);
    const installSeconds = (Date.now() - started) / 1000;

    const nextBin = join(appDir, "node_modules/next/dist/bin/next");
    started = Date.now();
    await run(
      process.execPath,
      [nextBin, "build"],
      appDir,
      {
        ...env,
        NODE_ENV: "production",
        // No SESSION_SECRET / UPSTASH_*: prerendering /private must not need them (cookies() runs first).
        SESSION_SECRET: "",
        UPSTASH_REDIS_REST_URL: "",
        UPSTASH_REDIS_REST_TOKEN: "",
      },
      6 * 60_000,
    );
    const buildSeconds = (Date.now() - started) / 1000;
    console.info(
      `copy-story: npm install ${installSeconds.toFixed(1)} s, next build ${buildSeconds.toFixed(1)} s`,
    );

    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const { url, token } = restCredentials();
    const child = spawn(
      process.execPath,
      [nextBin, "start", "--port", String(port), "--hostname", "127.0.0.1"],
      {
        cwd: appDir,
        env: {
          ...env,
          NODE_ENV: "production",
          SESSION_SECRET: process.env.SESSION_SECRET ?? "copy-story-session-secret-0123456789abcdef",
          UPSTASH_REDIS_REST_URL: url,
          UPSTASH_REDIS_REST_TOKEN: token,
          SESSION_KEY_PREFIX: keyPrefix,
        },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      },
    );
    server = child;
    child.stdout?.on("data", (chunk: Buffer) => serverOutput.add(chunk));
    child.stderr?.on("data", (chunk: Buffer) => serverOutput.add(chunk));

    const deadline = Date.now() + 90_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`copy-story: next start exited early:\n${serverOutput}`);
      }
      try {
        const response = await fetch(`${baseUrl}/login`, { signal: AbortSignal.timeout(5000) });
        if (response.ok) break;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline)
        throw new Error(`copy-story: next start not ready in 90 s:\n${serverOutput}`);
      await sleep(250);
    }
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    if (server !== null) await stopProcessGroup(server);
    if (workDir !== "" && process.env.COPY_STORY_KEEP === "1") {
      await writeFile(join(workDir, "next-start.log"), serverOutput.toString());
    } else if (workDir !== "") {
      await rm(workDir, { recursive: true, force: true, maxRetries: 3 });
    }
  }, 60_000);

  it("the fixture lists exactly the kit's dependencies, at the root package.json's versions, and no kit", async () => {
    type Manifest = { dependencies?: Record<string, string> };
    const root = JSON.parse(await readFile(join(repoRoot, "package.json"), "utf8")) as Manifest;
    const fixture = JSON.parse(await readFile(join(fixtureDir, "package.json"), "utf8")) as Manifest;
    const expected = Object.fromEntries(KIT_DEPENDENCIES.map((name) => [name, root.dependencies?.[name]]));
    expect(fixture.dependencies).toEqual(expected);
    expect(await readdir(fixtureDir)).not.toContain("lib");
  });

  it(
    "GET /private without a cookie redirects to the login page",
    async () => {
      const response = await get("/private");
      expect(response.status).toBe(307);
      const location = new URL(response.headers.get("location") ?? "", baseUrl);
      expect(location.pathname).toBe("/login");
      expect(location.searchParams.get("next")).toBe("/private");
      expect(location.searchParams.get("reason")).toBe("missing");
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "POST /api/sign-in sets the session cookie; /private then shows the user id; the session is in Redis",
    async () => {
      const signIn = await fetch(`${baseUrl}/api/sign-in`, { method: "POST", redirect: "manual" });
      expect(signIn.status, serverOutput.toString()).toBe(303);
      expect(new URL(signIn.headers.get("location") ?? "", baseUrl).pathname).toBe("/private");
      const cookie = findSetCookie(signIn, cookieName);
      expect(cookie, signIn.headers.getSetCookie().join("\n")).not.toBeNull();
      expect(cookie?.value).not.toBe("");
      expect(cookie?.attributes).toEqual(expect.arrayContaining(["httponly", "secure", "path=/"]));

      const page = await get("/private", cookie?.value);
      const html = await page.text();
      expect(page.status, html.slice(0, 500)).toBe(200);
      expect(html).toContain(`<span id="user-id">${TEST_USER_ID}</span>`);

      // Validated twice more for good measure: the same cookie keeps working.
      expect((await get("/private", cookie?.value)).status).toBe(200);

      // Stored under the random prefix given to `next start` only: the real Redis was used, with runtime env.
      const [, keys] = await testRedis().scan(0, { match: `${keyPrefix}*`, count: 1000 });
      expect(keys.length).toBeGreaterThan(0);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "garbage cookies redirect to the login page and are cleared, never a 5xx",
    async () => {
      const signIn = await fetch(`${baseUrl}/api/sign-in`, { method: "POST", redirect: "manual" });
      const real = findSetCookie(signIn, cookieName)?.value ?? "";
      expect(real).not.toBe("");
      // iron-session parses the trailing "~2" with parseInt, so `${real}x` still unseals: not garbage, not tested.
      const flipped = real.slice(0, 40) + (real[40] === "A" ? "B" : "A") + real.slice(41);
      const garbage = [
        "garbage",
        "Fe26.2**0123456789abcdef*aaaa*bbbb**cccc*dddd",
        real.slice(0, Math.floor(real.length / 2)),
        flipped,
        real.slice(0, -3), // drops the "~2" version suffix and one HMAC character
        "A".repeat(3000),
      ];
      for (const [index, value] of garbage.entries()) {
        const response = await get("/private", value);
        const label = `garbage cookie #${index} ${JSON.stringify(value.slice(0, 60))}`;
        expect(response.status, label).toBe(307);
        expect(new URL(response.headers.get("location") ?? "", baseUrl).pathname, label).toBe("/login");
        const cleared = findSetCookie(response, cookieName);
        expect(cleared?.value, label).toBe("");

        // A page that is not protected still renders with the bad cookie.
        const open = await get("/login", value);
        expect(open.status, label).toBe(200);
      }

      // Next.js drops a cookie whose value does not percent-decode before the kit sees it: "missing", not cleared.
      const undecodable = await get("/private", "%E0%A4%A");
      expect(undecodable.status).toBe(307);
      expect(new URL(undecodable.headers.get("location") ?? "", baseUrl).searchParams.get("reason")).toBe(
        "missing",
      );
      expect((await get("/login", "%E0%A4%A")).status).toBe(200);
    },
    TEST_TIMEOUT_MS,
  );
});
