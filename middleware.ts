import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";
import { handleSession } from "@/lib/auth/session-routes";
import { HANDOFF_HEADER } from "@/lib/session";

// Next.js refuses cross-origin Server Action posts too, but with a 500; refusing here is earlier and clearer.
function isCrossOriginPost(req: NextRequest): boolean {
  if (req.method !== "POST") return false;
  const origin = req.headers.get("origin");
  if (origin === null) return false;
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  try {
    return origin === "null" || new URL(origin).host !== host;
  } catch {
    return true;
  }
}

export default async function middleware(req: NextRequest, event: NextFetchEvent): Promise<NextResponse> {
  if (isCrossOriginPost(req)) {
    return new NextResponse("Cross-origin form posts are not accepted.", {
      status: 403,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  }
  const response = await handleSession(req, event);
  // A Server Action posted while the store is down runs anyway: its own requireSession() sees the outage and
  // answers with an "unavailable" form state, which the client can show (it cannot parse the 503 HTML page).
  if (response.status === 503 && req.method === "POST" && req.headers.has("next-action")) {
    const forwarded = new Headers(req.headers);
    forwarded.delete(HANDOFF_HEADER);
    return NextResponse.next({ request: { headers: forwarded } });
  }
  return response;
}

export const config = {
  matcher: [
    // api/session validates by itself: through middleware a signed-out cookie would arrive stripped (no reason),
    // and the idle warning's checks must not slide the session.
    "/((?!_next/static|_next/image|api/health|api/session|favicon.ico|robots.txt|.*\\.(?:png|jpg|jpeg|gif|svg|webp|ico|css|js|map|txt)$).*)",
  ],
};
