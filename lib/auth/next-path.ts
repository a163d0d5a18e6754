/**
 * The `next` redirect target after sign-in: a same-origin relative path only (the kit's `sameOriginPath`).
 * Anything else (absolute URLs, protocol-relative `//host`, `/\host`, control characters, paths that normalise
 * to `//host`) falls back.
 */
import { sameOriginPath } from "@/lib/session";

export const DEFAULT_AFTER_LOGIN_PATH = "/devices";

export function safeNextPath(value: unknown, fallback: string = DEFAULT_AFTER_LOGIN_PATH): string {
  return sameOriginPath(value) ?? fallback;
}
