import { describe, expect, it } from "vitest";
import { DEFAULT_AFTER_LOGIN_PATH, safeNextPath } from "./next-path";

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

  it("falls back for non-strings and very long values", () => {
    expect(safeNextPath(undefined)).toBe(DEFAULT_AFTER_LOGIN_PATH);
    expect(safeNextPath(["/devices"])).toBe(DEFAULT_AFTER_LOGIN_PATH);
    expect(safeNextPath(`/${"a".repeat(5000)}`)).toBe(DEFAULT_AFTER_LOGIN_PATH);
  });

  it("uses the fallback it is given", () => {
    expect(safeNextPath("https://evil.example", "/")).toBe("/");
  });
});
