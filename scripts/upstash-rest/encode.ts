/**
 * Reply values and their JSON encoding for the Upstash REST protocol.
 *
 * Engines turn raw replies into `Value` (bytes, exact integer digits, nil, error, array);
 * `toJson` writes them as JSON text:
 * - with `Upstash-Encoding: base64` every string at every depth is the standard base64 of its raw
 *   reply bytes. "OK" is encoded too (simplest correct rule: the client decodes "T0s=" back to "OK").
 * - without it, bytes are decoded as UTF-8 (invalid sequences become U+FFFD).
 * - integers are JSON numbers written from their exact digits, so values past 2^53 survive.
 * - an error nested inside an array (a Lua table holding `redis.error_reply`) becomes its message
 *   text, encoded like any string. Upstash's behaviour there is unknown; this keeps the reply usable.
 *   Transactions split EXEC's error elements into per-entry `{error}` before reaching this module.
 */

export type Value =
  | { readonly t: "bytes"; readonly b: Buffer }
  | { readonly t: "int"; readonly digits: string }
  | { readonly t: "nil" }
  | { readonly t: "err"; readonly message: string }
  | { readonly t: "arr"; readonly items: readonly Value[] };

export const NIL: Value = { t: "nil" };

export function bytes(b: Buffer | string): Value {
  return { t: "bytes", b: typeof b === "string" ? Buffer.from(b, "utf8") : b };
}

export function int(n: number | bigint | string): Value {
  return { t: "int", digits: String(n) };
}

export function err(message: string): Value {
  return { t: "err", message };
}

const INTEGER = /^-?\d+$/;

function isError(raw: unknown): raw is Error {
  return raw instanceof Error;
}

/**
 * Turns a raw client reply into a `Value`.
 * `stringsAreIntegers`: ioredis with `stringNumbers: true` and Buffer replies hands integers over
 * as JS strings, so a string there is an integer; ioredis-mock hands strings over for bulk replies.
 */
export function normalize(raw: unknown, stringsAreIntegers: boolean): Value {
  if (raw === null || raw === undefined) return NIL;
  if (Buffer.isBuffer(raw)) return { t: "bytes", b: raw };
  if (raw instanceof Uint8Array) return { t: "bytes", b: Buffer.from(raw) };
  if (typeof raw === "string") {
    if (stringsAreIntegers && INTEGER.test(raw)) return { t: "int", digits: raw };
    return bytes(raw);
  }
  if (typeof raw === "bigint") return int(raw);
  if (typeof raw === "number") {
    return Number.isInteger(raw) ? int(raw.toFixed(0)) : bytes(String(raw));
  }
  if (typeof raw === "boolean") return int(raw ? 1 : 0);
  if (isError(raw)) return err(raw.message);
  if (Array.isArray(raw)) return { t: "arr", items: raw.map((item) => normalize(item, stringsAreIntegers)) };
  if (typeof raw === "object") {
    // ioredis-mock answers HGETALL with an object: flatten it back to RESP2's [field, value, ...].
    const items: Value[] = [];
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
      items.push(bytes(key), normalize(value, stringsAreIntegers));
    }
    return { t: "arr", items };
  }
  return bytes(String(raw));
}

/** JSON text for a reply value (never for a top-level error: callers send those as `{error}`). */
export function toJson(value: Value, base64: boolean): string {
  switch (value.t) {
    case "nil":
      return "null";
    case "int":
      return value.digits;
    case "bytes":
      return JSON.stringify(base64 ? value.b.toString("base64") : value.b.toString("utf8"));
    case "err":
      return JSON.stringify(base64 ? Buffer.from(value.message, "utf8").toString("base64") : value.message);
    case "arr":
      return `[${value.items.map((item) => toJson(item, base64)).join(",")}]`;
  }
}

/** `{"result":...}` or `{"error":"..."}` for one reply (a top-level error stays plain text). */
export function entryJson(value: Value, base64: boolean): string {
  if (value.t === "err") return `{"error":${JSON.stringify(value.message)}}`;
  return `{"result":${toJson(value, base64)}}`;
}
