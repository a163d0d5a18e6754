/**
 * Commands the REST server refuses because they would poison a shared, pooled connection or block
 * it (protocol spec §7.7). Refusals are Redis-style `ERR ...` texts, delivered like any Redis error.
 */
import type { Command } from "./engine";

const CONNECTION_STATE = new Set([
  "MULTI",
  "EXEC",
  "DISCARD",
  "WATCH",
  "UNWATCH",
  "SELECT",
  "AUTH",
  "HELLO",
  "RESET",
  "QUIT",
]);
const SUBSCRIBER = new Set([
  "SUBSCRIBE",
  "PSUBSCRIBE",
  "SSUBSCRIBE",
  "UNSUBSCRIBE",
  "PUNSUBSCRIBE",
  "SUNSUBSCRIBE",
  "MONITOR",
]);
const BLOCKING = new Set([
  "BLPOP",
  "BRPOP",
  "BRPOPLPUSH",
  "BLMOVE",
  "BLMPOP",
  "BZPOPMIN",
  "BZPOPMAX",
  "BZMPOP",
  "WAIT",
  "WAITAOF",
]);
const CLIENT_SUBCOMMANDS = new Set(["REPLY", "TRACKING"]);

/** XREAD/XREADGROUP options come before STREAMS; a key named "block" after it is not the option. */
function hasBlockOption(args: readonly string[]): boolean {
  for (const arg of args) {
    const upper = arg.toUpperCase();
    if (upper === "STREAMS") return false;
    if (upper === "BLOCK") return true;
  }
  return false;
}

/** The refusal text for a command, or null when it may run. */
export function refusal(cmd: Command): string | null {
  const { name, args } = cmd;
  if (CONNECTION_STATE.has(name)) {
    const hint = name === "MULTI" || name === "EXEC" ? "; send the commands to /multi-exec instead" : "";
    return `ERR '${name}' is not supported over the REST API${hint}`;
  }
  if (SUBSCRIBER.has(name)) return `ERR '${name}' is not supported as a REST command`;
  if (BLOCKING.has(name)) return `ERR blocking command '${name}' is not supported over the REST API`;
  if ((name === "XREAD" || name === "XREADGROUP") && hasBlockOption(args)) {
    return `ERR blocking command '${name} ... BLOCK' is not supported over the REST API`;
  }
  if (name === "CLIENT" && CLIENT_SUBCOMMANDS.has((args[0] ?? "").toUpperCase())) {
    return `ERR 'CLIENT ${(args[0] ?? "").toUpperCase()}' is not supported over the REST API`;
  }
  return null;
}
