import type { NextFetchEvent, NextRequest, NextResponse } from "next/server";
import { handleSession } from "@/lib/auth/session-routes";

// Refuses cross-site and malformed posts, validates the session, sends the page CSP (lib/auth/session-routes.ts).
export default function middleware(request: NextRequest, event: NextFetchEvent): Promise<NextResponse> {
  return handleSession(request, event);
}

// Literal, as Next requires; tests/unit/middleware-matcher.test.ts keeps it equal to the route policy and the
// kit's cookie names (docs/decisions/013-anonymous-requests-skip-middleware.md). Every path that can render a
// page, except api/session (it validates by itself: through middleware a signed-out cookie would arrive stripped,
// and the idle warning's checks must not slide the session). An anonymous GET to a public page has nothing for
// middleware to do and skips it: it gets the static headers of next.config.ts.
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
