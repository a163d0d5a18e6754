/**
 * Which original source a position of a built file comes from, read from its `.map` (plain or index map with
 * `sections`, as Turbopack writes them): the source of a function's first position for the CPU profile
 * (profile.ts), by binary search over the decoded segments of its line, and every mapped stretch of the file for
 * the bundle's attribution (bundle.ts).
 */
import { existsSync, readFileSync } from "node:fs";

type RawMap = {
  sources?: string[];
  mappings?: string;
  sections?: { offset: { line: number; column: number }; map: RawMap }[];
};

/** Segments of one generated line: [column, source] pairs, sorted by column. */
type Line = Array<[column: number, source: string]>;

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DIGIT = new Map([...BASE64].map((char, index) => [char, index]));

/** The base64 VLQ numbers of one segment. */
function decodeSegment(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = DIGIT.get(char) ?? 0;
    value += (digit & 31) << shift;
    if ((digit & 32) !== 0) {
      shift += 5;
      continue;
    }
    values.push((value & 1) === 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return values;
}

function addMap(map: RawMap, lineOffset: number, columnOffset: number, lines: Map<number, Line>): void {
  for (const section of map.sections ?? [])
    addMap(section.map, lineOffset + section.offset.line, section.offset.column, lines);
  if (map.mappings === undefined) return;
  const sources = map.sources ?? [];
  let source = 0;
  map.mappings.split(";").forEach((text, index) => {
    const lineNumber = lineOffset + index;
    let column = 0;
    for (const segment of text.split(",")) {
      if (segment === "") continue;
      const [columnDelta = 0, sourceDelta] = decodeSegment(segment);
      column += columnDelta;
      if (sourceDelta === undefined) continue;
      source += sourceDelta;
      const line = lines.get(lineNumber) ?? [];
      line.push([(index === 0 ? columnOffset : 0) + column, sources[source] ?? "?"]);
      lines.set(lineNumber, line);
    }
  });
}

export type SourceLookup = (line: number, column: number) => string | undefined;

function decodeFile(file: string): Map<number, Line> {
  const lines = new Map<number, Line>();
  addMap(JSON.parse(readFileSync(`${file}.map`, "utf8")) as RawMap, 0, 0, lines);
  for (const line of lines.values()) line.sort((a, b) => a[0] - b[0]);
  return lines;
}

/**
 * Every mapped stretch of `code` (the built file's text) with the source it came from, as character offsets: a
 * segment runs to the next one, across lines (a template literal keeps its newlines). Empty without a source map.
 */
export function mappedRanges(file: string, code: string): { start: number; end: number; source: string }[] {
  if (!existsSync(`${file}.map`)) return [];
  const lines = decodeFile(file);
  const starts: number[] = [0];
  for (let at = code.indexOf("\n"); at !== -1; at = code.indexOf("\n", at + 1)) starts.push(at + 1);
  const points: [offset: number, source: string][] = [];
  for (const [lineNumber, line] of lines) {
    const lineStart = starts[lineNumber];
    if (lineStart !== undefined)
      for (const [column, source] of line) points.push([lineStart + column, source]);
  }
  points.sort((a, b) => a[0] - b[0]);
  return points.map(([start, source], index) => ({
    start,
    end: points[index + 1]?.[0] ?? code.length,
    source,
  }));
}

/** A lookup for `file` (0-based line and column), or null when it has no source map. */
export function loadSourceLookup(file: string): SourceLookup | null {
  if (!existsSync(`${file}.map`)) return null;
  const lines = decodeFile(file);
  return (lineNumber, column) => {
    const line = lines.get(lineNumber);
    if (line === undefined) return undefined;
    let low = 0;
    let high = line.length - 1;
    let found: string | undefined;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const segment = line[middle];
      if (segment === undefined) break;
      if (segment[0] <= column) {
        found = segment[1];
        low = middle + 1;
      } else high = middle - 1;
    }
    return found ?? line[0]?.[1];
  };
}
