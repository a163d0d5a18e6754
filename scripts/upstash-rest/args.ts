/**
 * Converts one JSON command array from a request body into a `Command`.
 *
 * Rules (protocol spec §5.1): strings pass through; numbers become `String(n)` (`1.5`, `1e+21`);
 * booleans become "true"/"false"; `null`, objects and nested arrays are refused with
 * `ERR unsupported arg type`. The command name is case-insensitive and sent upper-case (which also
 * keeps ioredis from applying its HGETALL-to-object reply transformer).
 */
import type { Command } from "./engine";

export type ParsedCommand =
  { readonly ok: true; readonly command: Command } | { readonly ok: false; readonly error: string };

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function convertArg(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  return null;
}

export function parseCommand(raw: unknown): ParsedCommand {
  if (!Array.isArray(raw)) return { ok: false, error: "ERR a command must be a JSON array" };
  if (raw.length === 0) return { ok: false, error: "ERR empty command" };
  const args: string[] = [];
  for (const item of raw as unknown[]) {
    const converted = convertArg(item);
    if (converted === null) return { ok: false, error: `ERR unsupported arg type: ${describe(item)}` };
    args.push(converted);
  }
  const [name = "", ...rest] = args;
  if (name === "") return { ok: false, error: "ERR empty command name" };
  return { ok: true, command: { name: name.toUpperCase(), args: rest } };
}
