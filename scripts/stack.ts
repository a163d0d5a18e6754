/**
 * `startStack()`: Redis + the local Upstash REST server, for dev, vitest and Playwright.
 *
 * Redis, in order of preference:
 * 1. `REDIS_URL` when set ("redis-url"); used as is, never flushed, cannot be stopped from here.
 * 2. `redis-server` on a free loopback port ("redis-server"): `--save "" --appendonly no`, its own
 *    temp `--dir`. `stopRedis()` does `SHUTDOWN SAVE` (an rdb in the temp dir) and `startRedis()`
 *    restarts on the same port and loads it, so "Redis down → 503, back → same session works" is real.
 *    Port 6379 is never used (someone else's Redis lives there).
 * 3. The embedded ioredis-mock engine ("embedded"), announced loudly on stderr. Not a Redis.
 * Children are killed on stop(), on process exit and on SIGINT/SIGTERM.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RestServer, startRestServer } from "./upstash-rest/index";

export type StackKind = "redis-url" | "redis-server" | "embedded";

export interface StackOptions {
  /** Use this Redis instead of REDIS_URL / spawning one. @default process.env.REDIS_URL */
  readonly redisUrl?: string;
  /** REST token. @default random */
  readonly token?: string;
  /** REST server port. @default 0 (free) */
  readonly restPort?: number;
  /** Allow the embedded engine when no redis-server exists. @default true */
  readonly allowEmbedded?: boolean;
  /** Force the embedded engine even when redis-server exists (tests of the engine itself). @default false */
  readonly embedded?: boolean;
  /** Do not print the embedded-engine warning (only meaningful with `embedded: true`). @default false */
  readonly quiet?: boolean;
  /** Print what was started on stderr. @default false */
  readonly verbose?: boolean;
}

export interface Stack {
  readonly restUrl: string;
  readonly restToken: string;
  readonly redisUrl?: string;
  readonly kind: StackKind;
  stopRedis(): Promise<void>;
  startRedis(): Promise<void>;
  stop(): Promise<void>;
}

const FORBIDDEN_PORT = 6379;
const live = new Set<ChildProcess>();
let hooksInstalled = false;

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const killAll = (): void => {
    for (const child of live) child.kill("SIGKILL");
    live.clear();
  };
  process.once("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    const onSignal = (): void => {
      killAll();
      // When nobody else handles the signal, keep its default meaning (exit).
      if (process.listenerCount(signal) === 1) {
        process.off(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

/** A free loopback TCP port (never 6379). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        const address = server.address();
        const found = typeof address === "object" && address !== null ? address.port : 0;
        server.close(() => resolve(found));
      });
    });
    if (port !== FORBIDDEN_PORT && port !== 0) return port;
  }
}

export function hasRedisServer(): boolean {
  const probe = spawnSync("redis-server", ["--version"], { stdio: "ignore" });
  return probe.status === 0;
}

/** Sends one inline command over a fresh socket and returns the first reply line. */
function rawCommand(port: number, command: string, timeoutMs = 1_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let data = "";
    const done = (error: Error | null, line?: string): void => {
      socket.destroy();
      if (error !== null) reject(error);
      else resolve(line ?? "");
    };
    socket.setTimeout(timeoutMs, () => done(new Error("timeout")));
    socket.once("error", (error) => done(error));
    socket.on("data", (chunk) => {
      data += chunk.toString("utf8");
      const end = data.indexOf("\r\n");
      if (end >= 0) done(null, data.slice(0, end));
    });
    socket.once("close", () => done(null, data));
    socket.connect(port, "127.0.0.1", () => socket.write(`${command}\r\n`));
  });
}

async function waitForPong(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`stack: redis-server exited with code ${child.exitCode}`);
    const reply = await rawCommand(port, "PING").catch(() => "");
    if (reply === "+PONG") return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`stack: redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
}

class RedisServerProcess {
  private child: ChildProcess | null = null;
  private output = "";

  constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  async start(): Promise<void> {
    if (this.child !== null) return;
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
    args.push("--dir", this.dir, "--dbfilename", "dump.rdb", "--loglevel", "warning", "--daemonize", "no");
    const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    live.add(child);
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString("utf8")).slice(-4_000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    child.once("exit", () => {
      live.delete(child);
      if (this.child === child) this.child = null;
    });
    try {
      await waitForPong(this.port, child, 10_000);
    } catch (error) {
      child.kill("SIGKILL");
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`${reason}\n${this.output}`, { cause: error });
    }
  }

  /** SHUTDOWN with or without SAVE, then wait for the process to exit. */
  async stop(save: boolean): Promise<void> {
    const child = this.child;
    if (child === null) return;
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null) resolve();
      else child.once("exit", () => resolve());
    });
    await rawCommand(this.port, save ? "SHUTDOWN SAVE" : "SHUTDOWN NOSAVE").catch(() => "");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

async function startRedisServer(): Promise<RedisServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), "session-kit-redis-"));
  const redis = new RedisServerProcess(await freePort(), dir);
  await redis.start();
  return redis;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  installExitHooks();
  const token = options.token ?? randomBytes(24).toString("base64url");
  const givenUrl = options.redisUrl ?? process.env.REDIS_URL;
  const log = (message: string): void => {
    if (options.verbose === true) process.stderr.write(`stack: ${message}\n`);
  };

  if (options.embedded === true) return startEmbedded(token, options);

  if (givenUrl !== undefined && givenUrl !== "") {
    const rest = await startRestServer({ redis: { url: givenUrl }, token, port: options.restPort });
    log(`using REDIS_URL; REST server at ${rest.url}`);
    const cannot = (): Promise<void> =>
      Promise.reject(
        new Error("stack: stopRedis/startRedis need a stack-owned redis-server (REDIS_URL is set)"),
      );
    return {
      restUrl: rest.url,
      restToken: token,
      redisUrl: givenUrl,
      kind: "redis-url",
      stopRedis: cannot,
      startRedis: cannot,
      stop: () => rest.close(),
    };
  }

  if (hasRedisServer()) {
    const redis = await startRedisServer();
    const redisUrl = `redis://127.0.0.1:${redis.port}`;
    let rest: RestServer;
    try {
      rest = await startRestServer({ redis: { url: redisUrl }, token, port: options.restPort });
    } catch (error) {
      await redis.stop(false);
      throw error;
    }
    log(`redis-server on ${redisUrl}; REST server at ${rest.url}`);
    return {
      restUrl: rest.url,
      restToken: token,
      redisUrl,
      kind: "redis-server",
      stopRedis: () => redis.stop(true),
      startRedis: () => redis.start(),
      stop: async (): Promise<void> => {
        await rest.close();
        await redis.stop(false);
        rmSync(redis.dir, { recursive: true, force: true });
      },
    };
  }

  if (options.allowEmbedded === false) {
    throw new Error(
      "stack: redis-server not found and the embedded engine is disabled (install redis-server or set REDIS_URL)",
    );
  }
  return startEmbedded(token, options);
}

async function startEmbedded(token: string, options: StackOptions): Promise<Stack> {
  if (options.quiet !== true) {
    process.stderr.write(
      [
        "",
        "************************************************************************",
        "* stack: using the EMBEDDED engine (ioredis-mock), NOT a real Redis.",
        "* It is an imitation: no persistence, some commands and errors differ.",
        "* Install redis-server (apt-get install redis-server) or set REDIS_URL.",
        "************************************************************************",
        "",
      ].join("\n"),
    );
  }
  const rest = await startRestServer({ redis: { embedded: true }, token, port: options.restPort });
  const cannot = (): Promise<void> =>
    Promise.reject(new Error("stack: stopRedis/startRedis need redis-server (embedded engine)"));
  return {
    restUrl: rest.url,
    restToken: token,
    kind: "embedded",
    stopRedis: cannot,
    startRedis: cannot,
    stop: () => rest.close(),
  };
}
