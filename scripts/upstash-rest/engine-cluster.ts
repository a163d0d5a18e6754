/**
 * Engine over a Redis Cluster (RESP2) through `ioredis.Cluster`: each command goes to the primary that
 * owns its key's hash slot, the way a cluster-aware client would send it. Redis itself then refuses what a
 * cluster refuses: a multi-key command or script whose keys span slots answers
 * `CROSSSLOT Keys in request don't hash to the same slot`, passed through as any Redis error.
 *
 * Where the REST protocol has no single-node equivalent:
 * - `/pipeline` is not atomic on Upstash either: its commands are grouped by hash slot, each group sent as one
 *   ioredis pipeline to its primary in request order, the groups side by side (a command on one key never
 *   overtakes an earlier one on that key). A pipeline holding a fan-out command (below) runs one by one.
 * - `/multi-exec` is one MULTI/EXEC on one primary, so every key of the transaction must hash to ONE slot.
 *   Otherwise the whole transaction is refused with 400 and Redis's own text, `CROSSSLOT Keys in request
 *   don't hash to the same slot` (Redis answers EXEC so when the keys share a node, and EXECABORT after a
 *   MOVED when they do not). Keyless transactions run on the first primary.
 * - Keyless commands that concern the whole keyspace fan out to every primary: FLUSHALL/FLUSHDB,
 *   SCRIPT LOAD/FLUSH/EXISTS, DBSIZE (summed), KEYS (concatenated) and SCAN, whose cursor encodes the node:
 *   `cursor = nodeCursor * primaries + nodeIndex`, "0" once the last primary is done. Other keyless commands
 *   (PING, EVALSHA with no keys, ...) go to one primary.
 * - Subscribers use a dedicated connection to one primary (cluster PUBLISH reaches every node).
 * Caveat: Redis 7 lets a script *without* a shebang touch an undeclared key of another slot when that slot
 * happens to live on the same node; only declared keys are checked everywhere.
 */
import { exists as commandExists, getKeyIndexes } from "@ioredis/commands";
import { Cluster, type Redis } from "ioredis";
import { type Command, type Engine, type Subscriber, type TransactionResult } from "./engine";
import { isReplyError, run, runLeasedTransaction, subscriberOn, unavailable } from "./engine-redis";
import { type Value, bytes, err, int, normalize } from "./encode";
import { RedisPool } from "./pool";

export const CROSSSLOT = "CROSSSLOT Keys in request don't hash to the same slot";

export interface ClusterEngineOptions {
  /** Seed nodes, e.g. ["redis://127.0.0.1:7001", ...]. */
  readonly urls: readonly string[];
  readonly commandTimeoutMs?: number;
}

/** CRC16/XMODEM, the Redis Cluster key hash. */
function crc16(data: Buffer): number {
  let crc = 0;
  for (const byte of data) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** The hash slot of a key: only the `{tag}` part counts when it is non-empty. */
export function keySlot(key: string): number {
  const raw = Buffer.from(key, "utf8");
  const open = raw.indexOf(0x7b);
  if (open >= 0) {
    const close = raw.indexOf(0x7d, open + 1);
    if (close > open + 1) return crc16(raw.subarray(open + 1, close)) % 16384;
  }
  return crc16(raw) % 16384;
}

/** The keys of a command, by the same table ioredis routes with; none for unknown commands. */
export function commandKeys(cmd: Command): string[] {
  const name = cmd.name.toLowerCase();
  if (!commandExists(name)) return [];
  try {
    return getKeyIndexes(name, [...cmd.args]).flatMap((index) => {
      const key = cmd.args[index];
      return key === undefined ? [] : [key];
    });
  } catch {
    return [];
  }
}

type FanOut = "first" | "sum" | "concat" | "and" | "scan";

function fanOutOf(cmd: Command): FanOut | null {
  const sub = (cmd.args[0] ?? "").toUpperCase();
  if (cmd.name === "FLUSHALL" || cmd.name === "FLUSHDB") return "first";
  if (cmd.name === "SCRIPT" && (sub === "LOAD" || sub === "FLUSH")) return "first";
  if (cmd.name === "SCRIPT" && sub === "EXISTS") return "and";
  if (cmd.name === "DBSIZE") return "sum";
  if (cmd.name === "KEYS") return "concat";
  if (cmd.name === "SCAN") return "scan";
  return null;
}

function nodeName(node: Redis): string {
  return `${node.options.host ?? "127.0.0.1"}:${node.options.port ?? 6379}`;
}

export class ClusterEngine implements Engine {
  private readonly pools = new Map<string, Promise<RedisPool>>();

  private constructor(
    private readonly cluster: Cluster,
    private readonly options: ClusterEngineOptions,
  ) {}

  static async open(options: ClusterEngineOptions): Promise<ClusterEngine> {
    const seeds = options.urls.map((url) => {
      const parsed = new URL(url);
      return { host: parsed.hostname, port: Number(parsed.port) };
    });
    const cluster = new Cluster(seeds, {
      scaleReads: "master",
      enableOfflineQueue: false,
      lazyConnect: true,
      slotsRefreshTimeout: 2_000,
      clusterRetryStrategy: (times: number): number => Math.min(100 * times, 1_000),
      redisOptions: {
        stringNumbers: true,
        maxRetriesPerRequest: 1,
        commandTimeout: options.commandTimeoutMs ?? 5_000,
        connectTimeout: 2_000,
        enableAutoPipelining: false,
      },
    });
    cluster.on("error", () => undefined);
    try {
      await cluster.connect();
    } catch (error) {
      cluster.disconnect();
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `rest-server: cannot connect to Redis Cluster at ${options.urls.join(",")} (${reason})`,
        {
          cause: error,
        },
      );
    }
    return new ClusterEngine(cluster, options);
  }

  /** Primaries in a stable order (by host:port), for fan-out and SCAN cursors. */
  private primaries(): Redis[] {
    const nodes = this.cluster.nodes("master");
    if (nodes.length === 0) throw unavailable(new Error("no cluster primary is known"));
    return [...nodes].sort((a, b) => nodeName(a).localeCompare(nodeName(b)));
  }

  async command(cmd: Command): Promise<Value> {
    const fanOut = fanOutOf(cmd);
    if (fanOut === null) return run(this.cluster as unknown as Redis, cmd);
    if (fanOut === "scan") return this.scan(cmd);
    const primaries = this.primaries();
    const replies = await Promise.all(primaries.map((node) => run(node, cmd)));
    const failed = replies.find((reply) => reply.t === "err");
    if (failed !== undefined) return failed;
    if (fanOut === "first") return replies[0] ?? err("ERR no reply");
    if (fanOut === "sum") {
      const total = replies.reduce((sum, reply) => sum + (reply.t === "int" ? BigInt(reply.digits) : 0n), 0n);
      return int(total);
    }
    const lists = replies.map((reply) => (reply.t === "arr" ? reply.items : []));
    if (fanOut === "concat") return { t: "arr", items: lists.flat() };
    // "and": SCRIPT EXISTS is 1 only where every primary has the script.
    const first = lists[0] ?? [];
    return {
      t: "arr",
      items: first.map((_, i) =>
        int(lists.every((list) => list[i]?.t === "int" && list[i]?.digits === "1") ? 1 : 0),
      ),
    };
  }

  /** SCAN over every primary in turn; the cursor carries the node index (see the header). */
  private async scan(cmd: Command): Promise<Value> {
    const primaries = this.primaries();
    const count = BigInt(primaries.length);
    let cursor: bigint;
    try {
      cursor = BigInt(cmd.args[0] ?? "x");
    } catch {
      return err("ERR invalid cursor");
    }
    if (cursor < 0n) return err("ERR invalid cursor");
    const index = Number(cursor % count);
    const node = primaries[index];
    if (node === undefined) return err("ERR invalid cursor");
    const reply = await run(node, { name: "SCAN", args: [String(cursor / count), ...cmd.args.slice(1)] });
    if (reply.t !== "arr") return reply;
    const [nodeCursor, keys] = reply.items;
    if (nodeCursor?.t !== "bytes" || keys === undefined) return err("ERR unexpected SCAN reply");
    const next = BigInt(nodeCursor.b.toString("utf8"));
    let encoded: bigint;
    if (next !== 0n) encoded = next * count + BigInt(index);
    else encoded = index + 1 < primaries.length ? BigInt(index + 1) : 0n;
    return { t: "arr", items: [bytes(String(encoded)), keys] };
  }

  async pipeline(cmds: readonly Command[]): Promise<Value[]> {
    if (cmds.some((cmd) => fanOutOf(cmd) !== null)) {
      const replies: Value[] = [];
      for (const cmd of cmds) replies.push(await this.command(cmd));
      return replies;
    }
    // One ioredis pipeline per slot (in request order within it), the slots side by side: commands on one
    // key keep their order, commands on different slots touch different keys.
    const groups = new Map<number, number[]>();
    const alone: number[] = [];
    cmds.forEach((cmd, i) => {
      const slots = new Set(commandKeys(cmd).map(keySlot));
      // A command whose own keys span slots goes alone: Redis answers it with CROSSSLOT.
      if (slots.size > 1) return alone.push(i);
      const slot = [...slots][0] ?? -1;
      const group = groups.get(slot);
      if (group === undefined) groups.set(slot, [i]);
      else group.push(i);
    });
    const replies: Value[] = new Array<Value>(cmds.length);
    const single = alone.map(async (i) => {
      replies[i] = await this.command(cmds[i] as Command);
    });
    await Promise.all([
      ...single,
      ...[...groups.values()].map(async (indexes) => {
        const pipeline = this.cluster.pipeline();
        for (const i of indexes) {
          const cmd = cmds[i] as Command;
          pipeline.callBuffer(cmd.name, ...cmd.args);
        }
        let results: Array<[Error | null, unknown]> | null;
        try {
          results = await pipeline.exec();
        } catch (error) {
          if (isReplyError(error)) {
            for (const i of indexes) replies[i] = err(error.message);
            return;
          }
          throw unavailable(error);
        }
        if (results === null) throw unavailable(new Error("pipeline returned no replies"));
        results.forEach(([error, reply], j) => {
          const i = indexes[j] as number;
          if (error === null) replies[i] = normalize(reply, true);
          else if (isReplyError(error)) replies[i] = err(error.message);
          else throw unavailable(error);
        });
      }),
    ]);
    return replies;
  }

  async transaction(cmds: readonly Command[]): Promise<TransactionResult> {
    const slots = new Set(cmds.flatMap((cmd) => commandKeys(cmd).map(keySlot)));
    if (slots.size > 1) return { ok: false, error: CROSSSLOT };
    const [slot] = [...slots];
    let target: string;
    try {
      target = slot === undefined ? nodeName(this.primaries()[0] as Redis) : await this.ownerOf(slot);
    } catch (error) {
      throw unavailable(error);
    }
    let pool: RedisPool;
    try {
      pool = await this.poolFor(target);
    } catch (error) {
      throw unavailable(error);
    }
    return runLeasedTransaction(pool, cmds);
  }

  /** `host:port` of the slot's primary: ioredis's map, else CLUSTER SLOTS (the map fills lazily after a start). */
  private async ownerOf(slot: number): Promise<string> {
    const known = (this.cluster.slots as unknown as Array<string[] | undefined>)[slot]?.[0];
    if (known !== undefined) return known;
    const ranges = (await this.cluster.call("CLUSTER", "SLOTS")) as Array<[number, number, [string, number]]>;
    for (const [start, end, [host, port]] of ranges) {
      if (slot >= Number(start) && slot <= Number(end)) return `${host}:${port}`;
    }
    throw new Error(`slot ${slot} has no known owner`);
  }

  /** An exclusive-lease pool (no shared connections) per primary, for MULTI/EXEC. */
  private poolFor(node: string): Promise<RedisPool> {
    let pool = this.pools.get(node);
    if (pool === undefined) {
      pool = RedisPool.open({
        url: `redis://${node}`,
        sharedConnections: 0,
        commandTimeoutMs: this.options.commandTimeoutMs,
      });
      pool.catch(() => this.pools.delete(node));
      this.pools.set(node, pool);
    }
    return pool;
  }

  async subscriber(): Promise<Subscriber> {
    let conn: Redis;
    try {
      const first = this.primaries()[0] as Redis;
      conn = await (await this.poolFor(nodeName(first))).dedicated();
    } catch (error) {
      throw unavailable(error);
    }
    return subscriberOn(conn);
  }

  async close(): Promise<void> {
    const pools = await Promise.allSettled([...this.pools.values()]);
    await Promise.all(pools.map((pool) => (pool.status === "fulfilled" ? pool.value.close() : undefined)));
    await this.cluster.quit().catch(() => this.cluster.disconnect());
  }
}
