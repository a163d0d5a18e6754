import type { NextFetchEvent, NextRequest, NextResponse } from "next/server";
import { handleSession } from "@/lib/auth/session-routes";

// Refuses cross-site and malformed posts, validates the session, sends the page CSP (lib/auth/session-routes.ts).
export default function middleware(request: NextRequest, event: NextFetchEvent): Promise<NextResponse> {
  return handleSession(request, event);
}

export const config = {
  matcher: [
    // Every path that can render a page, so no client-sent hand-off header reaches one. api/session validates by
    // itself: through middleware a signed-out cookie would arrive stripped (no reason), and the idle warning's
    // checks must not slide the session.
    "/((?!_next/static/|_next/image|api/health$|api/session$).*)",
  ],
};
