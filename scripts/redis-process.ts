/**
 * A stack-owned `redis-server` child process: a free loopback port (never 6379), its own temp dir,
 * `--save "" --appendonly no`. `stop(true)` does SHUTDOWN SAVE so `start()` (same port, same dir)
 * comes back with the same data. Children are killed on process exit and on SIGINT/SIGTERM.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const FORBIDDEN_PORT = 6379;
const live = new Set<ChildProcess>();
let hooksInstalled = false;

export function installExitHooks(): void {
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

export class RedisServerProcess {
  private child: ChildProcess | null = null;
  private output = "";

  constructor(
    readonly port: number,
    readonly dir: string,
    /** Extra `redis-server` arguments (e.g. cluster mode). */
    readonly extraArgs: readonly string[] = [],
  ) {}

  async start(): Promise<void> {
    if (this.child !== null) return;
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
    args.push("--dir", this.dir, "--dbfilename", "dump.rdb", "--loglevel", "warning", "--daemonize", "no");
    args.push(...this.extraArgs);
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

  /** SAVE: a snapshot in its dir, which the next `start()` loads (the server runs without persistence). */
  async save(): Promise<void> {
    const reply = await rawCommand(this.port, "SAVE", 30_000);
    if (reply !== "+OK")
      throw new Error(`stack: SAVE on port ${this.port} answered ${JSON.stringify(reply)}`);
  }

  /** SIGKILL (a crash: no save, no goodbye), then wait for the process to exit. */
  async kill(): Promise<void> {
    const child = this.child;
    if (child === null) return;
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once("exit", () => resolve());
    });
    child.kill("SIGKILL");
    await exited;
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

export async function startRedisServer(): Promise<RedisServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), "session-kit-redis-"));
  const redis = new RedisServerProcess(await freePort(), dir);
  await redis.start();
  return redis;
}

/**
 * A local Redis Cluster: `count` primaries (no replicas) on free loopback ports, each `redis-server
 * --cluster-enabled yes` in its own temp dir without persistence, joined by `redis-cli --cluster create`.
 * `stop(true)`/`start()` shut every node down with SAVE and bring it back (nodes.conf + dump.rdb in its
 * dir), so the cluster returns with its slots and data.
 */
export class RedisClusterProcess {
  constructor(readonly nodes: readonly RedisServerProcess[]) {}

  get ports(): number[] {
    return this.nodes.map((node) => node.port);
  }

  async start(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.start()));
    await waitForClusterOk(this.ports, 20_000);
  }

  async stop(save: boolean): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.stop(save)));
  }

  async save(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.save()));
  }
}

async function waitForClusterOk(ports: readonly number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await Promise.all(ports.map((port) => clusterState(port)));
    if (states.every((state) => state === "ok")) return;
    if (Date.now() > deadline) {
      throw new Error(`stack: Redis Cluster on ports ${ports.join(",")} not ok within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `cluster_state` from CLUSTER INFO (a bulk reply: read the whole answer). */
function clusterState(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let data = "";
    const done = (state: string): void => {
      socket.destroy();
      resolve(state);
    };
    socket.setTimeout(1_000, () => done("timeout"));
    socket.once("error", () => done("down"));
    socket.on("data", (chunk) => {
      data += chunk.toString("utf8");
      const match = /cluster_state:(\w+)/.exec(data);
      if (match !== null) done(match[1] ?? "");
    });
    socket.once("close", () => done("closed"));
    socket.connect(port, "127.0.0.1", () => socket.write("CLUSTER INFO\r\n"));
  });
}

export function hasRedisCli(): boolean {
  return spawnSync("redis-cli", ["--version"], { stdio: "ignore" }).status === 0;
}

export async function startRedisCluster(count = 3): Promise<RedisClusterProcess> {
  if (!hasRedisCli()) throw new Error("stack: a Redis Cluster needs redis-cli (apt-get install redis-tools)");
  const clusterArgs = ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"];
  clusterArgs.push("--cluster-node-timeout", "5000", "--cluster-require-full-coverage", "yes");
  const nodes: RedisServerProcess[] = [];
  for (let i = 0; i < count; i += 1) {
    const dir = mkdtempSync(join(tmpdir(), "session-kit-cluster-"));
    nodes.push(new RedisServerProcess(await freePort(), dir, clusterArgs));
  }
  const cluster = new RedisClusterProcess(nodes);
  try {
    await Promise.all(nodes.map((node) => node.start()));
    const create = spawnSync(
      "redis-cli",
      ["--cluster", "create", ...nodes.map((node) => `127.0.0.1:${node.port}`)].concat([
        "--cluster-replicas",
        "0",
        "--cluster-yes",
      ]),
      { encoding: "utf8", timeout: 30_000 },
    );
    if (create.status !== 0) {
      throw new Error(`stack: redis-cli --cluster create failed:\n${create.stdout}\n${create.stderr}`);
    }
    await waitForClusterOk(cluster.ports, 20_000);
  } catch (error) {
    await cluster.stop(false);
    for (const node of nodes) rmSync(node.dir, { recursive: true, force: true });
    throw error;
  }
  return cluster;
}
