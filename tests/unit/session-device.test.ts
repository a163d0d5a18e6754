import { describe, expect, it } from "vitest";
import { deviceFromParts } from "@/lib/session";
import type { TrustedProxy } from "@/lib/session";

const UA = { ua: "Mozilla/5.0 test" };

function trust(
  ipHeader: string | undefined,
  proxyCount = 1,
  platform: TrustedProxy["platform"] = "none",
): TrustedProxy {
  return { platform, ipHeader, proxyCount };
}

function ipOf(headers: Record<string, string> | Headers, trusted: TrustedProxy): string | undefined {
  return deviceFromParts(headers instanceof Headers ? headers : new Headers(headers), UA, trusted).ip;
}

describe("deviceFromParts: the client IP behind x-forwarded-for", () => {
  it("takes the hop the proxy appended, not the one the client sent", () => {
    // The client sent "x-forwarded-for: 1.2.3.4"; the one proxy appended the peer it saw.
    const headers = { "x-forwarded-for": "1.2.3.4, 203.0.113.7" };
    expect(ipOf(headers, trust("x-forwarded-for"))).toBe("203.0.113.7");
  });

  it("gives two requests with different client-chosen first hops the same IP", () => {
    const first = ipOf({ "x-forwarded-for": "1.2.3.4, 203.0.113.7" }, trust("x-forwarded-for"));
    const second = ipOf({ "x-forwarded-for": "5.6.7.8, 9.9.9.9, 203.0.113.7" }, trust("x-forwarded-for"));
    expect(first).toBe("203.0.113.7");
    expect(second, "rotating the first hops must not rotate the IP").toBe(first);
  });

  it("counts SESSION_TRUSTED_PROXY_COUNT hops from the right behind two proxies", () => {
    // client → CDN (appends the client) → load balancer (appends the CDN) → app.
    const headers = { "x-forwarded-for": "6.6.6.6, 198.51.100.23, 10.0.0.2" };
    expect(ipOf(headers, trust("x-forwarded-for", 2))).toBe("198.51.100.23");
    expect(ipOf(headers, trust("x-forwarded-for", 1)), "one proxy: the last hop").toBe("10.0.0.2");
    expect(ipOf(headers, trust("x-forwarded-for", 3))).toBe("6.6.6.6");
  });

  it("records no IP when the chain is shorter than the proxy count, never a client-chosen entry", () => {
    expect(ipOf({ "x-forwarded-for": "198.51.100.23" }, trust("x-forwarded-for", 2))).toBeUndefined();
    expect(ipOf({ "x-forwarded-for": "" }, trust("x-forwarded-for"))).toBeUndefined();
    expect(ipOf({}, trust("x-forwarded-for"))).toBeUndefined();
  });

  it("reads a chain split over several header lines, joined by Headers with ', '", () => {
    const headers = new Headers();
    headers.append("x-forwarded-for", "1.2.3.4");
    headers.append("x-forwarded-for", "198.51.100.23");
    expect(headers.get("x-forwarded-for")).toBe("1.2.3.4, 198.51.100.23");
    expect(ipOf(headers, trust("x-forwarded-for"))).toBe("198.51.100.23");
  });

  it("records no IP when the counted hop is not an IP address", () => {
    for (const junk of [
      "unknown",
      "<script>",
      "1.2.3.4.5",
      "256.1.1.1",
      "01.2.3.4",
      "1.2.3",
      "::g",
      "a".repeat(300),
    ]) {
      expect(
        ipOf({ "x-forwarded-for": `203.0.113.7, ${junk}` }, trust("x-forwarded-for")),
        junk,
      ).toBeUndefined();
    }
    // An empty hop (a trailing comma) is not skipped: skipping would shift the count onto a client entry.
    expect(ipOf({ "x-forwarded-for": "203.0.113.7, " }, trust("x-forwarded-for"))).toBeUndefined();
  });

  it("accepts IPv6, normalised, with or without brackets and port, and unmaps IPv4-mapped addresses", () => {
    expect(ipOf({ "x-forwarded-for": "1.2.3.4, 2001:DB8:0:0::1" }, trust("x-forwarded-for"))).toBe(
      "2001:db8::1",
    );
    expect(ipOf({ "x-forwarded-for": "[2001:db8::1]:443" }, trust("x-forwarded-for"))).toBe("2001:db8::1");
    expect(ipOf({ "x-forwarded-for": "203.0.113.7:51234" }, trust("x-forwarded-for"))).toBe("203.0.113.7");
    expect(ipOf({ "x-forwarded-for": "::ffff:203.0.113.7" }, trust("x-forwarded-for"))).toBe("203.0.113.7");
    expect(ipOf({ "x-forwarded-for": "2001:db8::1%eth0" }, trust("x-forwarded-for"))).toBeUndefined();
    expect(ipOf({ "x-forwarded-for": "[2001:db8::1]/x[" }, trust("x-forwarded-for"))).toBeUndefined();
  });
});

describe("deviceFromParts: the standard Forwarded header", () => {
  it("takes the for= of the element the proxy appended", () => {
    const headers = { forwarded: 'for=1.2.3.4, for="[2001:db8:cafe::17]:4711";proto=https;by=10.0.0.1' };
    expect(ipOf(headers, trust("forwarded"))).toBe("2001:db8:cafe::17");
    expect(ipOf(headers, trust("forwarded", 2))).toBe("1.2.3.4");
    expect(ipOf(headers, trust("forwarded", 3))).toBeUndefined();
  });

  it("records no IP for obfuscated or unknown nodes, or an element without for=", () => {
    expect(ipOf({ forwarded: "for=_hidden" }, trust("forwarded"))).toBeUndefined();
    expect(ipOf({ forwarded: "for=unknown" }, trust("forwarded"))).toBeUndefined();
    expect(ipOf({ forwarded: "for=1.2.3.4, proto=https" }, trust("forwarded"))).toBeUndefined();
  });

  it("is not fooled by a client's unbalanced quote swallowing the proxy's element", () => {
    expect(ipOf({ forwarded: 'for="1.2.3.4, for=198.51.100.23' }, trust("forwarded"))).toBe("198.51.100.23");
  });
});

describe("deviceFromParts: single-value IP headers", () => {
  it.each(["x-real-ip", "cf-connecting-ip", "x-vercel-forwarded-for", "fly-client-ip", "true-client-ip"])(
    "takes %s as it is, trimmed",
    (header) => {
      expect(ipOf({ [header]: "  198.51.100.23 " }, trust(header))).toBe("198.51.100.23");
      expect(ipOf({ [header]: "2001:db8::7" }, trust(header))).toBe("2001:db8::7");
    },
  );

  it("refuses anything that is not one plausible IP address", () => {
    for (const junk of [
      "1.2.3.4, 5.6.7.8",
      "localhost",
      "1.2.3.4 5.6.7.8",
      "0x7f.0.0.1",
      "1.2.3.4/24",
      "[::1]x",
      "",
    ]) {
      expect(ipOf({ "x-real-ip": junk }, trust("x-real-ip")), JSON.stringify(junk)).toBeUndefined();
    }
  });

  it("reads no IP at all without a trusted header, whatever the client sends", () => {
    const headers = { "x-forwarded-for": "1.2.3.4", "x-real-ip": "1.2.3.4", "cf-connecting-ip": "1.2.3.4" };
    expect(ipOf(headers, trust(undefined))).toBeUndefined();
    expect(deviceFromParts(new Headers(headers), UA).ip, "no trust argument: no IP").toBeUndefined();
  });
});

describe("deviceFromParts: location", () => {
  const spoofed = {
    "x-vercel-ip-city": "S%C3%A3o%20Paulo",
    "x-vercel-ip-country": "BR",
    "cf-ipcountry": "KP",
    "cf-ipcity": "Pyongyang",
  };
  const locationOf = (trusted: TrustedProxy): string | undefined =>
    deviceFromParts(new Headers(spoofed), UA, trusted).location;

  it("ignores location headers a client sends when no platform is trusted", () => {
    expect(locationOf(trust(undefined))).toBeUndefined();
    expect(
      locationOf(trust("x-forwarded-for")),
      "trusting an IP header is not trusting a platform",
    ).toBeUndefined();
    expect(deviceFromParts(new Headers(spoofed), UA).location).toBeUndefined();
  });

  it("reads Vercel's city (URI-decoded) and country with platform vercel, and not Cloudflare's", () => {
    expect(locationOf(trust("x-real-ip", 1, "vercel"))).toBe("São Paulo, BR");
  });

  it("reads Cloudflare's city and country with platform cloudflare, and not Vercel's", () => {
    expect(locationOf(trust("cf-connecting-ip", 1, "cloudflare"))).toBe("Pyongyang, KP");
    const countryOnly = deviceFromParts(
      new Headers({ "cf-ipcountry": "DE" }),
      UA,
      trust(undefined, 1, "cloudflare"),
    );
    expect(countryOnly.location).toBe("DE");
    const unknown = deviceFromParts(
      new Headers({ "cf-ipcountry": "XX" }),
      UA,
      trust(undefined, 1, "cloudflare"),
    );
    expect(unknown.location, "XX is Cloudflare's 'no country'").toBeUndefined();
  });
});
