/**
 * A small ioredis connection pool for the REST server.
 *
 * - `shared()`: a few long-lived connections, round-robin, for single commands and pipelines
 *   (ioredis writes a pipeline in one go, so its commands stay in order on one connection).
 * - `dedicated()`: a fresh connection for one SSE subscriber, closed when the client goes away.
 * - `lease()`: a connection handed out EXCLUSIVELY (for MULTI ... EXEC) until `release()`;
 *   at most `maxLeased` exist, extra callers wait in FIFO order. A lease released as unhealthy
 *   (timeout or connection error mid-transaction, so MULTI may still be open) is discarded.
 *
 * Fail-fast settings: no offline queue, one retry per request, a command timeout; ioredis keeps
 * reconnecting in the background, so requests fail with an error while Redis is down and work
 * again as soon as it is back.
 */
import { Redis, type RedisOptions } from "ioredis";

export interface PoolOptions {
  readonly url: string;
  readonly sharedConnections?: number;
  readonly maxLeased?: number;
  readonly commandTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
}

export interface Lease {
  readonly conn: Redis;
  release(healthy: boolean): void;
}

function connectionOptions(options: PoolOptions): RedisOptions {
  return {
    // Integers as exact digit strings (INCRBY past 2^53); bulk replies come as Buffers via callBuffer.
    stringNumbers: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 5_000,
    connectTimeout: options.connectTimeoutMs ?? 2_000,
    enableAutoPipelining: false,
    lazyConnect: true,
    retryStrategy: (times: number): number => Math.min(50 * times, 500),
  };
}

/** Connects and resolves once ready; rejects with the connection error otherwise. */
async function connect(url: string, options: RedisOptions): Promise<Redis> {
  const conn = new Redis(url, options);
  // Errors are reported through rejected commands; an unhandled 'error' event would crash the process.
  conn.on("error", () => undefined);
  try {
    await conn.connect();
  } catch (error) {
    conn.disconnect();
    throw error;
  }
  return conn;
}

export class RedisPool {
  private readonly options: PoolOptions;
  private readonly redisOptions: RedisOptions;
  private readonly sharedConns: Redis[] = [];
  private nextShared = 0;
  private readonly idle: Redis[] = [];
  private leasedCount = 0;
  private readonly waiters: Array<(lease: Promise<Lease>) => void> = [];
  private closed = false;

  private constructor(options: PoolOptions) {
    this.options = options;
    this.redisOptions = connectionOptions(options);
  }

  /** Opens the shared connections; throws `rest-server: ...` if Redis cannot be reached. */
  static async open(options: PoolOptions): Promise<RedisPool> {
    const pool = new RedisPool(options);
    const count = options.sharedConnections ?? 2;
    try {
      for (let i = 0; i < count; i += 1) pool.sharedConns.push(await connect(options.url, pool.redisOptions));
    } catch (error) {
      await pool.close();
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`rest-server: cannot connect to Redis at ${redactUrl(options.url)} (${reason})`, {
        cause: error,
      });
    }
    return pool;
  }

  /** A fresh connection outside the pool (for a subscriber); the caller disconnects it. */
  async dedicated(): Promise<Redis> {
    if (this.closed) throw new Error("rest-server: pool is closed");
    return connect(this.options.url, this.redisOptions);
  }

  shared(): Redis {
    const conn = this.sharedConns[this.nextShared % this.sharedConns.length];
    this.nextShared = (this.nextShared + 1) % this.sharedConns.length;
    if (conn === undefined) throw new Error("rest-server: pool has no shared connection (was it closed?)");
    return conn;
  }

  lease(): Promise<Lease> {
    if (this.closed) return Promise.reject(new Error("rest-server: pool is closed"));
    const max = this.options.maxLeased ?? 4;
    if (this.leasedCount < max) {
      this.leasedCount += 1;
      return this.takeConnection();
    }
    return new Promise<Lease>((resolve, reject) => {
      this.waiters.push((lease) => lease.then(resolve, reject));
    });
  }

  /** Counts as one leased slot already; on failure the slot is handed on or freed. */
  private async takeConnection(): Promise<Lease> {
    try {
      let conn = this.idle.pop();
      while (conn !== undefined && conn.status !== "ready") {
        conn.disconnect();
        conn = this.idle.pop();
      }
      if (conn === undefined) conn = await connect(this.options.url, this.redisOptions);
      return this.wrap(conn);
    } catch (error) {
      this.freeSlot();
      throw error;
    }
  }

  private wrap(conn: Redis): Lease {
    let released = false;
    return {
      conn,
      release: (healthy: boolean): void => {
        if (released) return;
        released = true;
        if (healthy && !this.closed && conn.status === "ready") this.idle.push(conn);
        else conn.disconnect();
        this.freeSlot();
      },
    };
  }

  private freeSlot(): void {
    const waiter = this.waiters.shift();
    if (waiter !== undefined && !this.closed) {
      waiter(this.takeConnection());
      return;
    }
    this.leasedCount -= 1;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0))
      waiter(Promise.reject(new Error("rest-server: pool is closed")));
    const all = [...this.sharedConns.splice(0), ...this.idle.splice(0)];
    await Promise.all(all.map((conn) => conn.quit().catch(() => conn.disconnect())));
  }
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "<invalid url>";
  }
}
