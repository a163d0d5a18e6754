/**
 * The `next` redirect target after sign-in: a same-origin relative path only.
 * Anything else (absolute URLs, protocol-relative `//host`, `/\host`, control characters) falls back.
 */
export const DEFAULT_AFTER_LOGIN_PATH = "/devices";

export function safeNextPath(value: unknown, fallback: string = DEFAULT_AFTER_LOGIN_PATH): string {
  if (typeof value !== "string") return fallback;
  if (value.length === 0 || value.length > 2048) return fallback;
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return fallback;
  const base = "http://same-origin.invalid";
  let resolved: URL;
  try {
    resolved = new URL(value, base);
  } catch {
    return fallback;
  }
  if (resolved.origin !== base) return fallback;
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}
