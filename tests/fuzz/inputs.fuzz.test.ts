/**
 * Property-based fuzzing (fast-check) of the pure input handling the app relies on: the `next=` redirect target
 * and device info built from request headers (X-Forwarded-For spoofing: first hops rotated by the client). No I/O; bounded runs.
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

  it("X-Forwarded-For is never trusted unless named, and then only the hop the proxy appended, if an address", () => {
    const clientPart = fc.oneof(
      fc.constant(""),
      fc.ipV4(),
      fc.array(fc.oneof(fc.ipV4(), fc.ipV6()), { minLength: 1, maxLength: 20 }).map((ips) => ips.join(", ")),
      fc.string({ maxLength: 100 }),
      fc.integer({ min: 300, max: 10_000 }).map((n) => "9".repeat(n)),
    );
    const xffTrust = { platform: "none", ipHeader: "x-forwarded-for", proxyCount: 1 } as const;
    const ipFor = (xff: string): string | undefined => {
      const headers = new Headers();
      headers.set("x-forwarded-for", xff);
      headers.set("x-real-ip", "203.0.113.9");
      return deviceFromParts(headers, { ua: "UA" }, xffTrust).ip;
    };
    const clean = (value: string): string => value.replace(/[\r\n\0]/g, "");
    fc.assert(
      fc.property(
        clientPart,
        clientPart,
        fc.ipV4(),
        fc.string({ maxLength: 200 }),
        (left, other, peer, ua) => {
          const xff = clean(left === "" ? peer : `${left}, ${peer}`);
          const headers = new Headers();
          headers.set("x-forwarded-for", xff);
          headers.set("x-real-ip", "203.0.113.9");
          const untrusted = deviceFromParts(headers, { ua });
          expect(untrusted.ip, "no trusted header: no IP at all").toBeUndefined();
          expect(ipFor(xff), "the hop the proxy appended").toBe(peer);
          expect(ipFor(clean(`${other}, ${peer}`)), "whatever the client puts before it").toBe(peer);
        },
      ),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(fc.oneof(clientPart, fc.ipV6()), (value) => {
        const ip = ipFor(clean(value));
        if (ip === undefined) return;
        expect(ip.length, "an address, not a blob").toBeLessThanOrEqual(45);
        expect(ip, "only an address reaches the devices page or a rate-limit key").toMatch(
          /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f:.]*:[0-9a-f:.]*)$/,
        );
      }),
      { numRuns: RUNS },
    );
  });
});
