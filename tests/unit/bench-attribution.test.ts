import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { attribute } from "../../scripts/bench/profile";
import { loadSourceLookup, mappedRanges } from "../../scripts/bench/source-map";

/** A built file and its map in a temp folder. */
function built(code: string, map: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), "bench-map-")), "chunk.js");
  writeFileSync(file, code);
  writeFileSync(`${file}.map`, JSON.stringify(map));
  return file;
}

describe("bench source maps (what the bundle and the CPU profile attribute code to)", () => {
  // Line 0: column 0 from a.ts, column 5 from b.ts; line 1: column 0 from a.ts again (source delta -1).
  const code = "01234567\nxyz";
  const map = { version: 3, sources: ["a.ts", "b.ts"], mappings: "AAAA,KCAA;ADAA" };

  it("turns segments into ranges that run to the next segment, across lines", () => {
    expect(mappedRanges(built(code, map), code)).toEqual([
      { start: 0, end: 5, source: "a.ts" },
      { start: 5, end: 9, source: "b.ts" },
      { start: 9, end: 12, source: "a.ts" },
    ]);
  });

  it("looks a position up in its line", () => {
    const lookup = loadSourceLookup(built(code, map));
    expect([lookup?.(0, 0), lookup?.(0, 4), lookup?.(0, 7), lookup?.(1, 2)]).toEqual([
      "a.ts",
      "a.ts",
      "b.ts",
      "a.ts",
    ]);
  });

  it("reads index maps: a section's first line is shifted by its column", () => {
    const sectioned = {
      version: 3,
      sections: [
        { offset: { line: 0, column: 0 }, map: { sources: ["x.ts"], mappings: "AAAA" } },
        { offset: { line: 0, column: 3 }, map: { sources: ["y.ts"], mappings: "AAAA;AAAA" } },
      ],
    };
    expect(mappedRanges(built(code, sectioned), code)).toEqual([
      { start: 0, end: 3, source: "x.ts" },
      { start: 3, end: 9, source: "y.ts" },
      { start: 9, end: 12, source: "y.ts" },
    ]);
  });

  it("is empty without a map", () => {
    expect(mappedRanges(join(tmpdir(), "no-such-chunk.js"), code)).toEqual([]);
    expect(loadSourceLookup(join(tmpdir(), "no-such-chunk.js"))).toBeNull();
  });
});

describe("bench CPU profile attribution", () => {
  const frame = (functionName: string, url = "") => ({ functionName, url, lineNumber: 0, columnNumber: 0 });
  const profile = {
    nodes: [
      { id: 1, callFrame: frame("(root)") },
      { id: 2, callFrame: frame("emit", "node:events") },
      { id: 3, callFrame: frame("(idle)") },
      { id: 4, callFrame: frame("(garbage collector)") },
      { id: 5, callFrame: frame("parse", "file:///app/node_modules/zod/v4/core/schemas.js") },
    ],
    startTime: 1000,
    samples: [2, 3, 4, 2, 5],
    timeDeltas: [100, 100, 100, 100, 400],
  };

  it("sums only the samples inside the window, per component and per request, idle left out", () => {
    // Samples at 1100 (before the window), 1200 (idle), 1300 (GC), 1400 (Node), 1800 (after the window).
    const perRequest = attribute(profile, 1150, 1400, 2);
    expect(perRequest["garbage collection"]).toBeCloseTo(0.05);
    expect(perRequest["Node (http, streams, async hooks, timers)"]).toBeCloseTo(0.05);
    expect(perRequest.zod).toBe(0);
    expect(Object.values(perRequest).reduce((sum, value) => sum + value, 0)).toBeCloseTo(0.1);
  });

  it("attributes a frame by its path when it is not in a built file", () => {
    expect(attribute(profile, 0, 10_000, 1).zod).toBeCloseTo(0.4);
  });
});
