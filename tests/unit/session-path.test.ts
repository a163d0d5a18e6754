import { describe, expect, it } from "vitest";
import { sameOriginPath } from "@/lib/session";

describe("sameOriginPath", () => {
  it("keeps same-origin paths, normalised", () => {
    expect(sameOriginPath("/devices?tab=all#x")).toBe("/devices?tab=all#x");
    expect(sameOriginPath("/a/./b/../c")).toBe("/a/c");
  });

  it("refuses paths that only become protocol-relative once their dot segments are resolved", () => {
    for (const value of ["/.//evil.example", "/%2e//evil.example", "/a/..//evil.example", "/..//"]) {
      expect(sameOriginPath(value), value).toBeNull();
    }
  });

  it("refuses absolute URLs, protocol-relative paths, backslashes, control characters and non-strings", () => {
    for (const value of [
      "https://evil.example",
      "//evil.example",
      "/\\evil.example",
      "/\tx",
      "x",
      "",
      1,
      null,
    ]) {
      expect(sameOriginPath(value), String(value)).toBeNull();
    }
  });
});
