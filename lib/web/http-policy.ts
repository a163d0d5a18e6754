/**
 * The app's HTTP policy, one home for next.config.ts and middleware: security headers, the Content-Security-
 * Policy and the largest form post. Imported by next.config.ts, so plain TypeScript with no imports.
 *
 * Two layers of CSP. next.config.ts sends a baseline on every response (files and API routes included):
 * everything but scripts is as strict as the page policy, and scripts are limited to this origin plus inline
 * ones, because Next's inline scripts differ per request and only a nonce can name them. Middleware then
 * replaces it on every path it handles (every page) with the same policy whose scripts need this request's
 * nonce. Next answers with the middleware's header when both set one, and the baseline allows everything the
 * page policy allows, so a browser enforcing both would see the same result.
 */

/**
 * Largest form post, in bytes (the longest form, sign-in with a `next` path, stays under 4 KiB). next.config
 * gives it to Next as `serverActions.bodySizeLimit`; middleware refuses a bigger body with 413 before Next reads it.
 */
export const SERVER_ACTION_BODY_LIMIT_BYTES = 16 * 1024;

export type HeaderEntry = { key: string; value: string };

/** `nonce` set: scripts need it ('strict-dynamic' lets them load chunks). Unset: the static baseline. */
export function contentSecurityPolicy(options: { nonce?: string; dev: boolean }): string {
  const { nonce, dev } = options;
  const scripts =
    nonce === undefined ? ["'self'", "'unsafe-inline'"] : ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"];
  // React in development rebuilds server error stacks with eval.
  if (dev) scripts.push("'unsafe-eval'");
  // The dev overlay injects styles without a nonce (and 'unsafe-inline' is ignored next to a nonce).
  const styles = nonce === undefined || dev ? ["'self'", "'unsafe-inline'"] : ["'self'", `'nonce-${nonce}'`];
  return [
    "default-src 'self'",
    `script-src ${scripts.join(" ")}`,
    `style-src ${styles.join(" ")}`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    // No page of the app may be framed: the devices page's buttons must never sit under a lure.
    "frame-ancestors 'none'",
  ].join("; ");
}

/** For every response (next.config.ts headers()). */
export function staticSecurityHeaders(dev: boolean): HeaderEntry[] {
  return [
    { key: "Content-Security-Policy", value: contentSecurityPolicy({ dev }) },
    // For browsers without frame-ancestors.
    { key: "X-Frame-Options", value: "DENY" },
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
    {
      key: "Permissions-Policy",
      value:
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()",
    },
  ];
}

/** For responses to https requests only (a browser ignores it over http anyway). No preload: that is a list to join. */
export const STRICT_TRANSPORT_SECURITY: HeaderEntry = {
  key: "Strict-Transport-Security",
  value: "max-age=63072000; includeSubDomains",
};

/** 128 random bits, base64. */
function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/**
 * The page policy with a fresh nonce, for middleware: on the request so Next stamps its scripts with the
 * nonce, on the response so the browser enforces it.
 */
export function pageSecurityHeaders(dev: boolean): () => {
  request: Record<string, string>;
  response: Record<string, string>;
} {
  return () => {
    const policy = contentSecurityPolicy({ nonce: createNonce(), dev });
    return {
      request: { "content-security-policy": policy },
      response: { "content-security-policy": policy },
    };
  };
}
