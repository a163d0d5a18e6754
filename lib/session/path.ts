/**
 * Same-origin paths for redirects: the `next=` a login page carries and the redirect after sign-in.
 *
 * What: `sameOriginPath(value)` returns a relative path that can only resolve to this origin, or null.
 * Why the second look: URL parsing removes dot segments, so `/.//evil.example`, `/%2e//evil.example` and
 * `/a/..//evil.example` normalise to `//evil.example`, a protocol-relative URL (another host). The normalised
 * result is checked again and must come back unchanged, so what we return is exactly what we checked.
 * Seam: pass the result to a redirect as is; never join it to another origin yourself.
 */

/** Longer `next=` values are not paths a user was on. */
const MAX_PATH_LENGTH = 2048;
const BASE = "http://same-origin.invalid";

/** One pass: the value's path, query and fragment as the URL parser normalises them, or null. */
function normalise(value: string): string | null {
  if (value.length === 0 || value.length > MAX_PATH_LENGTH) return null;
  // "//host" and "/\host" are protocol-relative: browsers read both as another host.
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return null;
  // Control characters and backslashes: browsers strip or rewrite them, so what we check is not what they follow.
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return null;
  let resolved: URL;
  try {
    resolved = new URL(value, BASE);
  } catch {
    return null;
  }
  if (resolved.origin !== BASE) return null;
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}

/**
 * `value` as a same-origin relative path (normalised: dot segments resolved), or null for anything that is not
 * one: absolute URLs, `//host`, `/\host`, control characters, and paths that only become protocol-relative once
 * normalised. The result is stable: `sameOriginPath(result) === result`.
 */
export function sameOriginPath(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const path = normalise(value);
  if (path === null || normalise(path) !== path) return null;
  return path;
}
