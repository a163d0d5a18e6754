/**
 * Engine over a real Redis (RESP2) through the ioredis pool.
 *
 * Replies are read with `callBuffer`, so bulk and status strings arrive as raw Buffers and
 * integers as exact digit strings (`stringNumbers`). A `ReplyError` is Redis talking and becomes
 * an error value; anything else (connection refused, stream not writeable, command timeout) means
 * the store is unavailable and throws `UnavailableError`.
 */
import type { Redis } from "ioredis";
import {
  type Command,
  type Engine,
  type Subscriber,
  type TransactionResult,
  UnavailableError,
} from "./engine";
import { type Value, err, normalize } from "./encode";
import { type RedisPool } from "./pool";

export function isReplyError(error: unknown): error is Error {
  return error instanceof Error && error.name === "ReplyError";
}

export function unavailable(error: unknown): UnavailableError {
  const reason = error instanceof Error ? error.message : String(error);
  return new UnavailableError(`rest-server: Redis unreachable (${reason})`, { cause: error });
}

export async function run(conn: Redis, cmd: Command): Promise<Value> {
  try {
    return normalize(await conn.callBuffer(cmd.name, ...cmd.args), true);
  } catch (error) {
    if (isReplyError(error)) return err(error.message);
    throw unavailable(error);
  }
}

/** MULTI, queue each command, EXEC; all written without awaiting in between, then the replies read. */
async function runTransaction(conn: Redis, cmds: readonly Command[]): Promise<TransactionResult> {
  const settle = (promise: Promise<unknown>): Promise<{ ok: boolean; value: unknown }> =>
    promise.then(
      (value) => ({ ok: true, value }),
      (value: unknown) => ({ ok: false, value }),
    );
  const multi = settle(conn.callBuffer("MULTI"));
  const queued = cmds.map((cmd) => settle(conn.callBuffer(cmd.name, ...cmd.args)));
  const exec = settle(conn.callBuffer("EXEC"));
  const [multiReply, queuedReplies, execReply] = await Promise.all([multi, Promise.all(queued), exec]);

  for (const reply of [multiReply, ...queuedReplies, execReply]) {
    if (!reply.ok && !isReplyError(reply.value)) throw unavailable(reply.value);
  }
  if (!multiReply.ok) return { ok: false, error: (multiReply.value as Error).message };
  // A queue-time error (arity, unknown command) aborts the whole transaction: report the first one.
  const queueError = queuedReplies.find((reply) => !reply.ok);
  if (queueError !== undefined) return { ok: false, error: (queueError.value as Error).message };
  if (!execReply.ok) return { ok: false, error: (execReply.value as Error).message };
  const replies = normalize(execReply.value, true);
  if (replies.t !== "arr") return { ok: false, error: "ERR transaction aborted" };
  return { ok: true, replies: replies.items };
}

/**
 * MULTI…EXEC on a connection leased from the pool for this transaction alone (nothing else can interleave);
 * the connection goes back to the pool only if the transaction left it in a known state.
 */
export async function runLeasedTransaction(
  pool: RedisPool,
  cmds: readonly Command[],
): Promise<TransactionResult> {
  let lease;
  try {
    lease = await pool.lease();
  } catch (error) {
    throw unavailable(error);
  }
  let healthy = false;
  try {
    const result = await runTransaction(lease.conn, cmds);
    healthy = true;
    return result;
  } finally {
    lease.release(healthy);
  }
}

export class RedisEngine implements Engine {
  constructor(private readonly pool: RedisPool) {}

  command(cmd: Command): Promise<Value> {
    return run(this.pool.shared(), cmd);
  }

  async pipeline(cmds: readonly Command[]): Promise<Value[]> {
    if (cmds.length === 0) return [];
    const pipeline = this.pool.shared().pipeline();
    for (const cmd of cmds) pipeline.callBuffer(cmd.name, ...cmd.args);
    let results: Array<[Error | null, unknown]> | null;
    try {
      results = await pipeline.exec();
    } catch (error) {
      throw unavailable(error);
    }
    if (results === null) throw unavailable(new Error("pipeline returned no replies"));
    return results.map(([error, reply]) => {
      if (error === null) return normalize(reply, true);
      if (isReplyError(error)) return err(error.message);
      throw unavailable(error);
    });
  }

  async transaction(cmds: readonly Command[]): Promise<TransactionResult> {
    return runLeasedTransaction(this.pool, cmds);
  }

  async subscriber(): Promise<Subscriber> {
    let conn: Redis;
    try {
      conn = await this.pool.dedicated();
    } catch (error) {
      throw unavailable(error);
    }
    return subscriberOn(conn);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** A Subscriber over one dedicated connection (shared by the single-node and cluster engines). */
export function subscriberOn(conn: Redis): Subscriber {
  return {
    subscribe: async (target, pattern) =>
      Number(pattern ? await conn.psubscribe(target) : await conn.subscribe(target)),
    onMessage: (listener) => {
      conn.on("messageBuffer", (channel: Buffer, message: Buffer) =>
        listener(null, channel.toString("utf8"), message.toString("utf8")),
      );
      conn.on("pmessageBuffer", (pattern: Buffer, channel: Buffer, message: Buffer) =>
        listener(pattern.toString("utf8"), channel.toString("utf8"), message.toString("utf8")),
      );
    },
    onClose: (listener) => {
      conn.on("end", listener);
    },
    close: () => conn.disconnect(),
  };
}
