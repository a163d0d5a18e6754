/**
 * Next.js 16 "proxy" variant of middleware.ts (Node.js runtime).
 *
 * To use it: copy this file to ./proxy.ts at the project root and delete ./middleware.ts (Next.js refuses to
 * build with both). Everything is the same `handleSession` (lib/auth/session-routes.ts, built by the kit's
 * `sessionMiddleware()`); only the file name, the export name, the runtime and the Redis transport change. Kept out of the top level
 * on purpose: Next.js would pick it up instead of middleware.ts. tests/integration/proxy-node.test.ts runs this
 * exact file in Node against real Redis, and tests/integration/middleware-posts.test.ts both entry points.
 */
import type { NextFetchEvent, NextRequest, NextResponse } from "next/server";
import { pooledSessionRedis } from "@/lib/node/upstash-pool";
import { handleSession } from "@/lib/auth/session-routes";
import { setSessionRedis } from "@/lib/session/next";

// Node only: the kit here reaches Redis over an undici Pool instead of Next's fetch (needs `undici`; drop these
// lines to stay on fetch). npm run bench measures both.
setSessionRedis(pooledSessionRedis);

// The same as middleware.ts: cross-site and malformed posts refused, session validated, page CSP sent.
export function proxy(request: NextRequest, event: NextFetchEvent): Promise<NextResponse> {
  return handleSession(request, event);
}

export const config = {
  matcher: [
    // ACCOUNT_PATHS, always: without a session they redirect to sign-in.
    "/(account|admin|devices|outbox)/:path*",
    // AUTH_PAGE_PATHS, always: where passwords are typed and mailed links opened, the nonce CSP (ADR 013).
    "/(check-email|email-change|forgot-password|login|mail|not-me|reset-password|signup|verify-email)/:path*",
    // Either session cookie name (dev and __Host-), even empty or twinned: the kit strips hand-off headers there.
    {
      source: "/((?!_next/static/|_next/image|api/health$|api/session$).*)",
      has: [{ type: "header", key: "cookie", value: "(?:.*;)? *(?:__Host-)?session=.*" }],
    },
    // Anything a browser posts (Origin), a Server Action (Next-Action) and any body: the post guards.
    {
      source: "/((?!_next/static/|_next/image|api/health$|api/session$).*)",
      has: [{ type: "header", key: "origin" }],
    },
    {
      source: "/((?!_next/static/|_next/image|api/health$|api/session$).*)",
      has: [{ type: "header", key: "next-action" }],
    },
    {
      source: "/((?!_next/static/|_next/image|api/health$|api/session$).*)",
      has: [{ type: "header", key: "content-type" }],
    },
  ],
};
