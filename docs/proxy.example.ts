/**
 * Next.js 16 "proxy" variant of middleware.ts (Node.js runtime).
 *
 * To use it: copy this file to ./proxy.ts at the project root and delete ./middleware.ts (Next.js refuses to
 * build with both). The session check is the same `sessionMiddleware()` core; only the file name, the export
 * name and the runtime change. Kept out of the top level on purpose: Next.js would pick it up instead of
 * middleware.ts. tests/integration/proxy-node.test.ts runs this exact file in Node against real Redis.
 */
import type { NextFetchEvent, NextRequest, NextResponse } from "next/server";
import { handleSession } from "@/lib/auth/session-routes";

export function proxy(request: NextRequest, event: NextFetchEvent): Promise<NextResponse> {
  return handleSession(request, event);
}

export const config = {
  matcher: [
    // Same as middleware.ts: api/session validates by itself.
    "/((?!_next/static|_next/image|api/health|api/session|favicon.ico|robots.txt|.*\\.(?:png|jpg|jpeg|gif|svg|webp|ico|css|js|map|txt)$).*)",
  ],
};
