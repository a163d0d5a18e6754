/**
 * Property-based fuzzing (fast-check) of the pure input handling the app relies on: the `next=` redirect target
 * and device info built from request headers (X-Forwarded-For spoofing). No I/O; bounded runs.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_AFTER_LOGIN_PATH, safeNextPath } from "@/lib/auth/next-path";
import { deviceFromParts } from "@/lib/session";

const RUNS = Number(process.env.FUZZ_RUNS ?? 500);
const ORIGIN = "http://app.example";

const nextArb = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.webUrl(),
  fc.webPath(),
  fc
    .array(
      fc.constantFrom(
        "/",
        "\\",
        "%2F",
        "%5C",
        "\t",
        "\n",
        ".",
        "..",
        "@",
        "evil.example",
        ":",
        "?",
        "#",
        "a",
      ),
      {
        maxLength: 12,
      },
    )
    .map((parts) => parts.join("")),
);

describe("fuzzing request inputs", () => {
  it("next= always resolves to a path on this origin", () => {
    fc.assert(
      fc.property(nextArb, (next) => {
        const target = safeNextPath(next);
        expect(target.startsWith("/") && !target.startsWith("//") && !target.startsWith("/\\")).toBe(true);
        const resolved = new URL(target, ORIGIN);
        expect(resolved.origin, `next=${JSON.stringify(next)} → ${target}`).toBe(ORIGIN);
        if (target !== DEFAULT_AFTER_LOGIN_PATH) expect(next.startsWith("/")).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it("X-Forwarded-For is never trusted unless named, and then only its first hop, clipped", () => {
    const headerValue = fc.oneof(
      fc.ipV4(),
      fc.array(fc.oneof(fc.ipV4(), fc.ipV6()), { minLength: 1, maxLength: 20 }).map((ips) => ips.join(", ")),
      fc.string({ maxLength: 100 }),
      fc.integer({ min: 300, max: 10_000 }).map((n) => "9".repeat(n)),
    );
    fc.assert(
      fc.property(headerValue, fc.string({ maxLength: 200 }), (xff, ua) => {
        const headers = new Headers();
        headers.set("x-forwarded-for", xff.replace(/[\r\n\0]/g, ""));
        headers.set("x-real-ip", "203.0.113.9");
        const untrusted = deviceFromParts(headers, { ua });
        expect(untrusted.ip, "no trusted header: no IP at all").toBeUndefined();
        const trusted = deviceFromParts(headers, { ua }, { trustedIpHeader: "x-forwarded-for" });
        const firstHop = headers.get("x-forwarded-for")?.split(",")[0]?.trim() ?? "";
        expect(trusted.ip ?? "").toBe(firstHop.slice(0, 256));
        for (const value of Object.values(trusted)) expect(String(value).length).toBeLessThanOrEqual(256);
      }),
      { numRuns: RUNS },
    );
  });
});
