/**
 * `npm run dev`: zero-config development.
 * - UPSTASH_REDIS_REST_URL and _TOKEN set → just `next dev` against that store.
 * - Otherwise start the local stack (REDIS_URL, else redis-server on a free port, else the embedded
 *   engine) and run `next dev` with UPSTASH_REDIS_REST_URL/TOKEN pointing at its REST server.
 * - SESSION_SECRET unset → a random one for this run (sessions do not survive a restart of dev).
 * Extra arguments go to `next dev` (`npm run dev -- --port 3001`). Ctrl-C stops everything.
 */
import { randomBytes } from "node:crypto";
import { type Stack, startStack } from "./stack";
import { exitCode, spawnNext } from "./lib-next";

async function main(): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const lines: string[] = [];
  let stack: Stack | null = null;

  const restUrl = env.UPSTASH_REDIS_REST_URL ?? "";
  const restToken = env.UPSTASH_REDIS_REST_TOKEN ?? "";
  if (restUrl !== "" && restToken !== "") {
    lines.push(`session store  ${restUrl} (from UPSTASH_REDIS_REST_URL)`);
  } else {
    stack = await startStack();
    env.UPSTASH_REDIS_REST_URL = stack.restUrl;
    env.UPSTASH_REDIS_REST_TOKEN = stack.restToken;
    const redis =
      stack.kind === "embedded"
        ? "embedded engine (ioredis-mock, not persistent)"
        : `${stack.redisUrl ?? "?"} (${stack.kind})`;
    lines.push(
      `redis          ${redis}`,
      `REST server    ${stack.restUrl} (token in UPSTASH_REDIS_REST_TOKEN of next dev)`,
    );
  }
  if ((env.SESSION_SECRET ?? "") === "") {
    env.SESSION_SECRET = randomBytes(32).toString("base64url");
    lines.push("SESSION_SECRET generated for this run (set it to keep sessions across restarts)");
  }
  lines.push("next dev       starting below; Ctrl-C stops everything");
  process.stdout.write(`\n  session kit dev\n${lines.map((line) => `  ${line}`).join("\n")}\n\n`);

  const next = spawnNext(["dev", ...process.argv.slice(2)], env);
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    if (next.exitCode === null) next.kill(signal);
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));

  const code = await exitCode(next);
  if (stack !== null) await stack.stop();
  return stopping ? 0 : code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`dev: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
