/**
 * Unit tests of the REST server's pure parts: reply encoding (base64 at every depth, exact
 * integers), argument conversion and the refused-command list.
 */
import { describe, expect, it } from "vitest";
import { parseCommand } from "../../scripts/upstash-rest/args";
import { type Value, bytes, entryJson, err, int, normalize, toJson } from "../../scripts/upstash-rest/encode";
import { refusal } from "../../scripts/upstash-rest/refused";

describe("reply encoding", () => {
  const nested: Value = {
    t: "arr",
    items: [
      bytes("OK"),
      int("18446744073709551615"),
      { t: "nil" },
      { t: "arr", items: [bytes(Buffer.from([0xff])), err("E x")] },
    ],
  };

  it("base64-encodes every string at every depth, OK included, and keeps integer digits exact", () => {
    expect(toJson(nested, true)).toBe('["T0s=",18446744073709551615,null,["/w==","RSB4"]]');
  });

  it("writes raw UTF-8 text without the header, replacing invalid bytes", () => {
    expect(toJson(nested, false)).toBe('["OK",18446744073709551615,null,["\uFFFD","E x"]]');
  });

  it("keeps a top-level error as plain {error} text, never encoded", () => {
    expect(entryJson(err("NOSCRIPT No matching script. Please use EVAL."), true)).toBe(
      '{"error":"NOSCRIPT No matching script. Please use EVAL."}',
    );
    expect(entryJson(bytes("OK"), true)).toBe('{"result":"T0s="}');
  });

  it("normalizes ioredis replies: digit strings are integers only when the engine says so", () => {
    expect(normalize("42", true)).toEqual({ t: "int", digits: "42" });
    expect(normalize("42", false)).toEqual(bytes("42"));
    expect(normalize(undefined, false)).toEqual({ t: "nil" });
    expect(normalize({ f: Buffer.from("v") }, false)).toEqual({ t: "arr", items: [bytes("f"), bytes("v")] });
  });
});

describe("argument conversion", () => {
  it("converts numbers with String(n), booleans to true/false and upper-cases the name", () => {
    expect(parseCommand(["set", "k", 1.5, true, false, 1e21])).toEqual({
      ok: true,
      command: { name: "SET", args: ["k", "1.5", "true", "false", "1e+21"] },
    });
  });

  it("refuses null, objects, nested arrays and empty commands", () => {
    expect(parseCommand(["set", "k", null])).toEqual({ ok: false, error: "ERR unsupported arg type: null" });
    expect(parseCommand(["set", "k", { a: 1 }])).toEqual({
      ok: false,
      error: "ERR unsupported arg type: object",
    });
    expect(parseCommand(["set", ["k"]])).toEqual({ ok: false, error: "ERR unsupported arg type: array" });
    expect(parseCommand([])).toEqual({ ok: false, error: "ERR empty command" });
    expect(parseCommand("get k")).toEqual({ ok: false, error: "ERR a command must be a JSON array" });
  });
});

describe("refused commands", () => {
  it("refuses connection-state, subscriber and blocking commands", () => {
    for (const name of ["MULTI", "EXEC", "WATCH", "SELECT", "SUBSCRIBE", "MONITOR", "BLPOP", "WAIT"]) {
      expect(refusal({ name, args: [] }), name).toMatch(/^ERR /);
    }
    expect(refusal({ name: "CLIENT", args: ["reply", "off"] })).toMatch(/^ERR /);
    expect(refusal({ name: "XREAD", args: ["block", "0", "STREAMS", "s", "$"] })).toMatch(/^ERR /);
  });

  it("lets ordinary commands through, including XREAD without BLOCK and a stream key named block", () => {
    expect(refusal({ name: "GET", args: ["k"] })).toBeNull();
    expect(refusal({ name: "CLIENT", args: ["ID"] })).toBeNull();
    expect(refusal({ name: "XREAD", args: ["COUNT", "1", "STREAMS", "block", "0"] })).toBeNull();
  });
});
