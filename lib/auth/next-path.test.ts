import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_AFTER_LOGIN_PATH, safeNextPath } from "./next-path";

const BASE = "http://same-origin.invalid";

describe("safeNextPath", () => {
  it.each(["/devices", "/account?tab=password", "/a/b#c", "/"])("keeps the same-origin path %s", (path) => {
    expect(safeNextPath(path)).toBe(path);
  });

  it.each([
    "https://evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "devices",
    "",
    "/\tevil",
    "/%0a",
    " /devices",
  ])("falls back for %j", (value) => {
    const result = safeNextPath(value);
    if (value === "/%0a") {
      expect(result, "percent-encoded newline stays encoded and same-origin").toBe("/%0a");
      return;
    }
    expect(result).toBe(DEFAULT_AFTER_LOGIN_PATH);
  });

  it.each(["/.//evil.example", "/%2e//evil.example", "/a/..//evil.example", "/%2E%2E//evil.example/x?y#z"])(
    "falls back for %j, whose normalised form would be protocol-relative",
    (value) => {
      expect(safeNextPath(value), `${value} must not come back as //evil.example`).toBe(
        DEFAULT_AFTER_LOGIN_PATH,
      );
    },
  );

  it("falls back for non-strings and very long values", () => {
    expect(safeNextPath(undefined)).toBe(DEFAULT_AFTER_LOGIN_PATH);
    expect(safeNextPath(["/devices"])).toBe(DEFAULT_AFTER_LOGIN_PATH);
    expect(safeNextPath(`/${"a".repeat(5000)}`)).toBe(DEFAULT_AFTER_LOGIN_PATH);
  });

  it("uses the fallback it is given", () => {
    expect(safeNextPath("https://evil.example", "/")).toBe("/");
  });
});

// Path tricks: dot segments (plain and percent-encoded), empty segments, slashes and backslashes (plain and
// encoded), scheme- and host-looking pieces.
const segment = fc.constantFrom(
  "",
  ".",
  "..",
  "%2e",
  "%2E",
  "%2e%2e",
  ".%2e",
  "%2e.",
  "a",
  "evil.example",
  "\\",
  "%5c",
  "%2f",
  "%2F",
  "@",
  ":",
  "http:",
  "javascript:",
  "?",
  "#",
  "\t",
);
const trickyPath = fc.oneof(
  fc.array(segment, { maxLength: 8 }).map((parts) => `/${parts.join("/")}`),
  fc.array(segment, { maxLength: 8 }).map((parts) => parts.join("")),
  fc.string({ maxLength: 40 }),
  fc.webUrl(),
  fc.webPath(),
);

describe("safeNextPath, for any input", () => {
  it("returns a same-origin path that is never protocol-relative, carries no scheme or host, and is stable", () => {
    fc.assert(
      fc.property(trickyPath, (value) => {
        const out = safeNextPath(value);
        const context = `${JSON.stringify(value)} -> ${JSON.stringify(out)}`;
        expect(out.startsWith("/"), context).toBe(true);
        expect(out.startsWith("//") || out.startsWith("/\\"), `protocol-relative: ${context}`).toBe(false);
        expect(new URL(out, BASE).origin, `another origin: ${context}`).toBe(BASE);
        expect(safeNextPath(out), `not stable: ${context}`).toBe(out);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 2000) },
    );
  });
});
