/**
 * The seam between the HTTP layer and whatever executes Redis commands.
 *
 * Two engines implement it: `engine-redis.ts` (a real Redis through an ioredis pool) and
 * `engine-embedded.ts` (ioredis-mock plus a thin shim). Redis errors are values
 * (`{ t: "err" }`); only "the store cannot be reached" throws, as `UnavailableError`.
 */
import type { Value } from "./encode";

/** One command ready for Redis: upper-case name plus its string arguments. */
export interface Command {
  readonly name: string;
  readonly args: readonly string[];
}

export type TransactionResult =
  { readonly ok: true; readonly replies: readonly Value[] } | { readonly ok: false; readonly error: string };

export interface Engine {
  /** Runs one command; a Redis error comes back as `{ t: "err" }`. */
  command(cmd: Command): Promise<Value>;
  /** Runs the commands in order (not atomically); one reply per command. */
  pipeline(cmds: readonly Command[]): Promise<Value[]>;
  /** MULTI ... EXEC on a connection nobody else writes to until EXEC. */
  transaction(cmds: readonly Command[]): Promise<TransactionResult>;
  /** A dedicated subscriber connection for SSE; absent when the engine cannot subscribe. */
  subscriber?(): Promise<Subscriber>;
  close(): Promise<void>;
}

/** One SSE subscription: messages arrive through `onMessage` until `close()`. */
export interface Subscriber {
  subscribe(target: string, pattern: boolean): Promise<number>;
  onMessage(listener: (pattern: string | null, channel: string, message: string) => void): void;
  onClose(listener: () => void): void;
  close(): void;
}

/** Thrown when the store cannot be reached (connection refused, timed out, closed). */
export class UnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "UnavailableError";
  }
}
