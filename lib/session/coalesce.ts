/**
 * Coalesced GETs: concurrent validations in one server process share REST calls (group commit, DataLoader style).
 *
 * What: `createGetCoalescer(transport, options)` returns a `get(key)`. When no call is in flight, a GET goes out
 * at once, alone, so an idle server adds no latency (no timer runs while nothing is in flight). GETs that arrive
 * while calls are in flight wait in a queue; whenever a call returns, the queue goes out as `/pipeline` requests
 * of at most `maxBatch` commands, at most `maxInFlight` calls at once. A full batch goes out at once when a slot
 * is free, and so does the queue after `maxWaitMs` without a call returning: one slow request never holds up the
 * others for longer than that.
 * Waiting GETs of one key share one command (a read made after they all asked answers each of them); a GET never
 * joins a call already in flight, which may predate a write this process has just made (a revoke).
 * Isolation: each command's reply or error is its own: a WRONGTYPE on one key rejects that GET only. A request
 * that fails as a whole (timeout, network, HTTP error) rejects the GETs it carried and only those; the kit turns
 * a rejection into "unavailable", never a sign-out.
 * Budget: a queued GET waits for a free slot only when all `maxInFlight` calls are out; each ends within its own
 * timeout, and every end drains the queue. One that has waited longer than `timeoutMs` when the queue drains (an
 * outage piling up work) is rejected unsent, as a timeout, so the queue stays bounded and a GET takes at most
 * about 2 × `timeoutMs`.
 * Cost: Upstash bills a pipeline per command, so the bill is the same, in fewer HTTP requests. A pipeline is not
 * atomic, and Upstash (like the local REST server on a cluster) routes each command to its key's slot, so one
 * pipeline may carry the keys of many users.
 * Caveat: a call started while serving one request then serves others. A runtime that ties I/O to the request
 * that started it (Cloudflare Workers) may refuse that: set `maxBatch: 1` there, which turns coalescing off.
 * Seam: `transport` — one GET, and a pipeline of GETs with one outcome per command (store.ts binds @upstash/redis).
 */

export type GetOutcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export type GetTransport = {
  /** One GET in its own request; rejects on any error. */
  one: (key: string) => Promise<unknown>;
  /** GETs in one pipeline request: one outcome per key, in order; rejects only when the request fails. */
  many: (keys: readonly string[]) => Promise<GetOutcome[]>;
};

export type CoalesceOptions = {
  /** Most GETs in one pipeline; 1 turns coalescing off (every GET its own request, sent at once). */
  maxBatch: number;
  /** Most coalesced calls in flight at once. */
  maxInFlight: number;
  /** Longest a queued GET waits for a call to return before it goes out in a call of its own (slot permitting). */
  maxWaitMs: number;
  /** The kit's Redis budget: a GET still queued after this long is rejected unsent. */
  timeoutMs: number;
};

type Waiter = { resolve: (value: unknown) => void; reject: (error: unknown) => void; at: number };
type Batch = Array<[key: string, waiters: Waiter[]]>;

function queueTimeout(timeoutMs: number): Error {
  const error = new Error(`session: a GET waited over ${timeoutMs} ms for a free Redis call`);
  error.name = "TimeoutError";
  return error;
}

/** `clock` is wall time in ms (a transport budget, like the client's own timeout; not the kit's clock). */
export function createGetCoalescer(
  transport: GetTransport,
  options: CoalesceOptions,
  clock: () => number = Date.now,
): (key: string) => Promise<unknown> {
  const { maxBatch, maxInFlight, maxWaitMs, timeoutMs } = options;
  if (maxBatch <= 1) return (key) => transport.one(key);

  let inFlight = 0;
  /** Keys waiting for a call, in arrival order; each with everyone waiting for it. */
  const queue = new Map<string, Waiter[]>();
  /** Armed only while something waits and a slot is free: sends the queue if no call returns first. */
  let stall: ReturnType<typeof setTimeout> | undefined;

  async function run(batch: Batch): Promise<void> {
    try {
      const keys = batch.map(([key]) => key);
      const only = keys[0];
      const outcomes: GetOutcome[] =
        keys.length === 1 && only !== undefined
          ? [{ ok: true, value: await transport.one(only) }]
          : await transport.many(keys);
      batch.forEach(([, waiters], i) => {
        const outcome = outcomes[i] ?? { ok: false, error: new Error("session: a pipeline reply was short") };
        for (const waiter of waiters) {
          if (outcome.ok) waiter.resolve(outcome.value);
          else waiter.reject(outcome.error);
        }
      });
    } catch (error) {
      for (const [, waiters] of batch) for (const waiter of waiters) waiter.reject(error);
    } finally {
      inFlight -= 1;
      drain();
    }
  }

  /** Rejects the waiters that have been queued longer than the budget; drops keys nobody waits for any more. */
  function expire(): void {
    const now = clock();
    for (const [key, waiters] of queue) {
      const fresh = waiters.filter((waiter) => now - waiter.at < timeoutMs);
      if (fresh.length === waiters.length) continue;
      for (const waiter of waiters) if (!fresh.includes(waiter)) waiter.reject(queueTimeout(timeoutMs));
      if (fresh.length === 0) queue.delete(key);
      else queue.set(key, fresh);
    }
  }

  function drain(): void {
    if (stall !== undefined) clearTimeout(stall);
    stall = undefined;
    if (queue.size === 0) return;
    expire();
    while (queue.size > 0 && inFlight < maxInFlight) {
      const batch: Batch = [];
      for (const entry of queue) {
        if (batch.length === maxBatch) break;
        batch.push(entry);
        queue.delete(entry[0]);
      }
      inFlight += 1;
      void run(batch);
    }
  }

  return (key) =>
    new Promise<unknown>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, at: clock() };
      const waiting = queue.get(key);
      if (waiting === undefined) queue.set(key, [waiter]);
      else waiting.push(waiter);
      // Idle: out at once. Busy: wait for a call to return, unless a full batch can go now; and not for long
      // while a slot is free (with every slot taken, the next return drains the queue).
      if (inFlight === 0 || (queue.size >= maxBatch && inFlight < maxInFlight)) drain();
      else if (stall === undefined && inFlight < maxInFlight) stall = setTimeout(drain, maxWaitMs);
    });
}
