/**
 * `startRestServer`: a local HTTP server that speaks the Upstash REST protocol in front of a real
 * Redis (ioredis pool), a Redis Cluster (ioredis.Cluster, see engine-cluster.ts) or, when asked, the
 * embedded ioredis-mock engine.
 *
 *   const rest = await startRestServer({ redis: { url: "redis://127.0.0.1:7001" }, token: "t", port: 0 });
 *   // UPSTASH_REDIS_REST_URL=rest.url UPSTASH_REDIS_REST_TOKEN=rest.token
 *   await rest.close();
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Engine } from "./engine";
import { ClusterEngine } from "./engine-cluster";
import { EmbeddedEngine } from "./engine-embedded";
import { RedisEngine } from "./engine-redis";
import { withScriptFlags } from "./script-flags";
import { RedisPool } from "./pool";
import { createHandler } from "./server";

export interface RestServerOptions {
  /** Where commands go: a Redis URL, a Redis Cluster's seed node URLs, or the in-process embedded engine. */
  readonly redis:
    { readonly url: string } | { readonly cluster: readonly string[] } | { readonly embedded: true };
  /** Bearer token clients must send. */
  readonly token: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** @default "127.0.0.1" */
  readonly host?: string;
  /** @default 10 MiB */
  readonly bodyLimitBytes?: number;
  /** Per-command timeout against Redis. @default 5000 */
  readonly commandTimeoutMs?: number;
}

export interface RestServer {
  readonly url: string;
  readonly token: string;
  close(): Promise<void>;
}

export { UnavailableError } from "./engine";

async function openEngine(options: RestServerOptions): Promise<Engine> {
  if ("embedded" in options.redis) return new EmbeddedEngine();
  if ("cluster" in options.redis) {
    return ClusterEngine.open({ urls: options.redis.cluster, commandTimeoutMs: options.commandTimeoutMs });
  }
  const pool = await RedisPool.open({ url: options.redis.url, commandTimeoutMs: options.commandTimeoutMs });
  return new RedisEngine(pool);
}

/** Every engine accepts Upstash's `allow-key-locking` script flag (script-flags.ts). */
async function createEngine(options: RestServerOptions): Promise<Engine> {
  // ioredis-mock cannot parse a shebang at all: for it the whole line goes.
  return withScriptFlags(await openEngine(options), { dropShebang: "embedded" in options.redis });
}

export async function startRestServer(options: RestServerOptions): Promise<RestServer> {
  if (options.token === "") throw new Error("rest-server: token must not be empty");
  const host = options.host ?? "127.0.0.1";
  const engine = await createEngine(options);
  const server = createServer(
    { keepAlive: true },
    createHandler({
      engine,
      token: options.token,
      bodyLimitBytes: options.bodyLimitBytes ?? 10 * 1024 * 1024,
    }),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await engine.close();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`rest-server: cannot listen on ${host}:${options.port ?? 0} (${reason})`, {
      cause: error,
    });
  }
  const { port } = server.address() as AddressInfo;
  const hostInUrl = host.includes(":") ? `[${host}]` : host;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${hostInUrl}:${port}`,
    token: options.token,
    close(): Promise<void> {
      closing ??= (async (): Promise<void> => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await stopped;
        await engine.close();
      })();
      return closing;
    },
  };
}
