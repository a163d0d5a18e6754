/**
 * The app under test: `next build` into its own dist dir (.next-bench) and `next start` on a free loopback port,
 * against the bench's stack. BENCH_SKIP_BUILD=1 reuses the last build.
 */
import type { ChildProcess } from "node:child_process";
import { freePort } from "../stack";
import { exitCode, spawnNext } from "../lib-next";
import { sleep } from "./stats";

export const BENCH_DIST_DIR = ".next-bench";
export const BENCH_SESSION_SECRET = "bench-session-secret-0123456789-abcdefghijklmnop";

export type App = { url: string; pid: number; stop(): Promise<void> };

/** Where the app reaches Redis: a local REST server's URL and token. */
export type RestEndpoint = { url: string; token: string };

export function appEnv(rest: RestEndpoint, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    // The bench signs up and then signs in, with no mailbox to verify from (production sends no mail by default).
    AUTH_REQUIRE_EMAIL_VERIFICATION: "false",
    ...process.env,
    NODE_ENV: "production",
    NEXT_DIST_DIR: BENCH_DIST_DIR,
    UPSTASH_REDIS_REST_URL: rest.url,
    UPSTASH_REDIS_REST_TOKEN: rest.token,
    SESSION_SECRET: BENCH_SESSION_SECRET,
    ...extra,
  };
}

export async function buildApp(rest: RestEndpoint): Promise<void> {
  if (process.env.BENCH_SKIP_BUILD === "1") return;
  const code = await exitCode(spawnNext(["build"], appEnv(rest)));
  if (code !== 0) throw new Error(`bench: next build failed with exit code ${code}`);
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`bench: next start exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      return;
    } catch {
      await sleep(200);
    }
  }
  throw new Error(`bench: ${url} did not answer within ${timeoutMs} ms`);
}

/**
 * `extra`: environment for this run only (e.g. a session policy to compare). `dir`: another project to start
 * (variants.ts), built into its own `.next`. `nodeArgs`: flags for Node (profile.ts: `--cpu-prof`).
 */
export async function startApp(
  rest: RestEndpoint,
  extra: Record<string, string> = {},
  dir?: string,
  nodeArgs: readonly string[] = [],
): Promise<App> {
  const port = await freePort();
  const project = dir === undefined ? [] : [dir];
  const env = appEnv(rest, dir === undefined ? extra : { NEXT_DIST_DIR: ".next", ...extra });
  const child = spawnNext(["start", ...project, "--port", String(port), "--hostname", "127.0.0.1"], env, {
    nodeArgs,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/login`, child, 60_000);
  return {
    url,
    pid: child.pid ?? -1,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await exitCode(child);
    },
  };
}
