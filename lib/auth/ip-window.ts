/**
 * The key of a per-IP throttle window. IPv4: the address. IPv6: its /64 — one subscriber (a home, a phone, a cloud
 * VM) is usually given a whole /64 and can pick a fresh address in it for every request, so keying the full
 * address would give an attacker 2^64 windows.
 */
export function ipWindowKey(ip: string): string {
  if (!ip.includes(":")) return ip;
  const groups = expandIpv6(ip.toLowerCase());
  return groups === null ? ip : `${groups.slice(0, 4).join(":")}::/64`;
}

function expandIpv6(ip: string): string[] | null {
  const halves = ip.split("::");
  if (halves.length > 2) return null;
  const split = (part: string | undefined): string[] =>
    part === undefined || part === "" ? [] : part.split(":");
  const head = split(halves[0]);
  const tail = split(halves[1]);
  // An embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups; only the first four groups matter here.
  const width = (groups: string[]): number => groups.reduce((n, g) => n + (g.includes(".") ? 2 : 1), 0);
  const missing = 8 - width(head) - width(tail);
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill("0"), ...tail];
  if (!groups.slice(0, 4).every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => (g.includes(".") ? g : Number.parseInt(g, 16).toString(16)));
}
