import { describe, expect, it } from "vitest";
import { ipWindowKey } from "./ip-window";

describe("ipWindowKey", () => {
  it("keys IPv4 by the address", () => {
    expect(ipWindowKey("203.0.113.7")).toBe("203.0.113.7");
  });

  it("keys IPv6 by its /64, whatever the spelling", () => {
    const key = "2001:db8:aa:bb::/64";
    for (const ip of [
      "2001:db8:aa:bb::1",
      "2001:DB8:AA:BB:ffff:1:2:3",
      "2001:0db8:00aa:00bb::",
      "2001:db8:aa:bb:0:0:0:9",
    ]) {
      expect(ipWindowKey(ip), ip).toBe(key);
    }
    expect(ipWindowKey("2001:db8:aa:bc::1")).toBe("2001:db8:aa:bc::/64");
    expect(ipWindowKey("::1")).toBe("0:0:0:0::/64");
    expect(ipWindowKey("fe80::1:2")).toBe("fe80:0:0:0::/64");
  });

  it("leaves anything it cannot read as it is (one window of its own, never a shared one)", () => {
    for (const junk of ["1::2::3", "zz::1", "1:2:3"]) expect(ipWindowKey(junk)).toBe(junk);
  });
});
