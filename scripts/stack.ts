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
 * With `cluster: true` ("redis-cluster"): a local 3-primary Redis Cluster (redis-server --cluster-enabled on
 * free loopback ports, joined by redis-cli --cluster create, no replicas, no persistence) behind the REST
 * server's cluster engine; stopRedis/startRedis/killRedis act on every node.
 * Children are killed on stop(), on process exit and on SIGINT/SIGTERM.
 */
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { hasRedisServer, installExitHooks, startRedisCluster, startRedisServer } from "./redis-process";
import { type RestServer, startRestServer } from "./upstash-rest/index";

export { freePort, hasRedisServer } from "./redis-process";

export type StackKind = "redis-url" | "redis-server" | "redis-cluster" | "embedded";

export interface StackOptions {
  /** Use this Redis instead of REDIS_URL / spawning one. @default process.env.REDIS_URL */
  readonly redisUrl?: string;
  /** Honour REDIS_URL; false always spawns a stack-owned redis-server (needed for stopRedis). @default true */
  readonly useRedisUrl?: boolean;
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
  /** Start a local 3-primary Redis Cluster instead of one redis-server (ignores REDIS_URL). @default false */
  readonly cluster?: boolean;
}

export interface Stack {
  readonly restUrl: string;
  readonly restToken: string;
  /** The Redis (with a cluster: the first primary; see `clusterNodes`). */
  readonly redisUrl?: string;
  /** Every primary of the cluster (kind "redis-cluster" only). */
  readonly clusterNodes?: readonly string[];
  readonly kind: StackKind;
  /** SHUTDOWN SAVE: data survives `startRedis()`. */
  stopRedis(): Promise<void>;
  startRedis(): Promise<void>;
  /** SAVE a snapshot that the next `startRedis()` loads. Stack-owned Redis only. */
  saveRedis(): Promise<void>;
  /** SIGKILL, a crash: only what the last `saveRedis()`/`stopRedis()` wrote survives. Stack-owned Redis only. */
  killRedis(): Promise<void>;
  stop(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  installExitHooks();
  const token = options.token ?? randomBytes(24).toString("base64url");
  const givenUrl = options.redisUrl ?? (options.useRedisUrl === false ? undefined : process.env.REDIS_URL);
  const log = (message: string): void => {
    if (options.verbose === true) process.stderr.write(`stack: ${message}\n`);
  };

  if (options.embedded === true) return startEmbedded(token, options);
  if (options.cluster === true) return startClusterStack(token, options, log);

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
      saveRedis: cannot,
      killRedis: cannot,
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
      saveRedis: () => redis.save(),
      killRedis: () => redis.kill(),
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
    saveRedis: cannot,
    killRedis: cannot,
    stop: () => rest.close(),
  };
}

async function startClusterStack(
  token: string,
  options: StackOptions,
  log: (message: string) => void,
): Promise<Stack> {
  if (!hasRedisServer())
    throw new Error("stack: a Redis Cluster needs redis-server (apt-get install redis-server)");
  const cluster = await startRedisCluster(3);
  const nodes = cluster.ports.map((port) => `redis://127.0.0.1:${port}`);
  const removeDirs = (): void => {
    for (const node of cluster.nodes) rmSync(node.dir, { recursive: true, force: true });
  };
  let rest: RestServer;
  try {
    rest = await startRestServer({ redis: { cluster: nodes }, token, port: options.restPort });
  } catch (error) {
    await cluster.stop(false);
    removeDirs();
    throw error;
  }
  log(`Redis Cluster on ${nodes.join(", ")}; REST server at ${rest.url}`);
  return {
    restUrl: rest.url,
    restToken: token,
    redisUrl: nodes[0],
    clusterNodes: nodes,
    kind: "redis-cluster",
    stopRedis: () => cluster.stop(true),
    startRedis: () => cluster.start(),
    saveRedis: () => cluster.save(),
    killRedis: async (): Promise<void> => {
      await Promise.all(cluster.nodes.map((node) => node.kill()));
    },
    stop: async (): Promise<void> => {
      await rest.close();
      await cluster.stop(false);
      removeDirs();
    },
  };
}
