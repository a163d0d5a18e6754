/**
 * Playwright's web server: an isolated stack (always its own redis-server, even with REDIS_URL set, so
 * outages can be simulated; REST server), a production build
 * (`next build` into NEXT_DIST_DIR, default .next-e2e) and `next start`, plus a loopback-only
 * control server so specs can simulate outages:
 *   POST /redis/stop   SHUTDOWN SAVE the stack's Redis (the app then answers 503)
 *   POST /redis/kill   SAVE a snapshot, then SIGKILL the Redis mid-flight (a crash; /redis/start brings it back)
 *   POST /redis/start  restart it on the same port with the same data
 *   POST /rest/delay?ms=N  the app's REST calls wait N ms before reaching the REST server (0: none)
 *   GET  /status       {"redis":"up"|"down","restUrl":...,"restDelayMs":N}
 * The app reaches the REST server through a delay proxy (scripts/delay-proxy.ts, a plain relay at 0 ms);
 * specs and fixtures talk to the REST server directly.
 * Ports and the REST token come from the environment set by tests/playwright.config.ts
 * (E2E_PORT, E2E_CONTROL_PORT, E2E_REST_PORT, E2E_REST_TOKEN). E2E_SKIP_BUILD=1 reuses the last build.
 * With E2E_SERVER_LOG set, `next start`'s output is also appended to that file (specs check what it logged).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { type DelayProxy, startDelayProxy } from "./delay-proxy";
import { type Stack, startStack } from "./stack";
import { exitCode, spawnNext } from "./lib-next";

export const E2E_SESSION_SECRET = "e2e-session-secret-0123456789-abcdefghijklmnop";

function requiredPort(name: string): number {
  const port = Number(process.env[name]);
  if (!Number.isInteger(port) || port <= 0 || port === 6379) {
    throw new Error(
      `e2e-server: ${name} must be a port number (set by tests/playwright.config.ts), got ${process.env[name]}`,
    );
  }
  return port;
}

function startControlServer(stack: Stack, proxy: DelayProxy, port: number): Promise<() => Promise<void>> {
  let redisUp = true;
  const reply = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method === "GET" && path === "/status")
      return reply(res, 200, {
        redis: redisUp ? "up" : "down",
        restUrl: stack.restUrl,
        restDelayMs: proxy.delayMs,
      });
    if (req.method === "POST" && path === "/rest/delay") {
      const ms = Number(new URL(req.url ?? "/", "http://localhost").searchParams.get("ms"));
      if (!Number.isInteger(ms) || ms < 0 || ms > 60_000)
        return reply(res, 400, { error: "e2e-server: /rest/delay needs ?ms=0..60000" });
      proxy.setDelay(ms);
      return reply(res, 200, { restDelayMs: ms });
    }
    if (req.method === "POST" && path === "/redis/stop") {
      await stack.stopRedis();
      redisUp = false;
      return reply(res, 200, { redis: "down" });
    }
    if (req.method === "POST" && path === "/redis/kill") {
      await stack.saveRedis();
      await stack.killRedis();
      redisUp = false;
      return reply(res, 200, { redis: "down" });
    }
    if (req.method === "POST" && path === "/redis/start") {
      await stack.startRedis();
      redisUp = true;
      return reply(res, 200, { redis: "up" });
    }
    reply(res, 404, { error: "e2e-server: unknown control endpoint" });
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) =>
      reply(res, 500, { error: error instanceof Error ? error.message : String(error) }),
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () =>
      resolve(
        () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      ),
    );
  });
}

async function main(): Promise<number> {
  const appPort = requiredPort("E2E_PORT");
  const controlPort = requiredPort("E2E_CONTROL_PORT");
  const restPort = requiredPort("E2E_REST_PORT");
  const token = process.env.E2E_REST_TOKEN ?? "";
  if (token === "")
    throw new Error("e2e-server: E2E_REST_TOKEN is not set (set by tests/playwright.config.ts)");

  const stack = await startStack({ token, restPort, allowEmbedded: false, useRedisUrl: false });
  const proxy = await startDelayProxy(stack.restUrl);
  const stopControl = await startControlServer(stack, proxy, controlPort);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next-e2e",
    UPSTASH_REDIS_REST_URL: proxy.url,
    UPSTASH_REDIS_REST_TOKEN: stack.restToken,
    SESSION_SECRET: process.env.SESSION_SECRET ?? E2E_SESSION_SECRET,
    // The stories read new-device notices on /outbox; a production build keeps the outbox off unless named.
    SESSION_NOTIFIER: "outbox",
  };
  process.stdout.write(
    `e2e-server: redis ${stack.redisUrl ?? "?"}, REST ${stack.restUrl}, control http://127.0.0.1:${controlPort}, app http://127.0.0.1:${appPort}\n`,
  );

  let stopping = false;
  let current: ReturnType<typeof spawnNext> | null = null;
  const shutdown = (): void => {
    stopping = true;
    if (current !== null && current.exitCode === null) current.kill("SIGTERM");
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);

  let code = 0;
  if (process.env.E2E_SKIP_BUILD !== "1") {
    current = spawnNext(["build"], env);
    code = await exitCode(current);
  }
  if (code === 0 && !stopping) {
    const logFile = process.env.E2E_SERVER_LOG === "" ? undefined : process.env.E2E_SERVER_LOG;
    current = spawnNext(["start", "--port", String(appPort), "--hostname", "127.0.0.1"], env, { logFile });
    code = await exitCode(current);
  }
  await stopControl();
  await proxy.close();
  await stack.stop();
  return stopping ? 0 : code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
