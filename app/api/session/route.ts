/**
 * /api/session — what the browser's idle warning and cross-tab sign-out need.
 * GET: { expiresAt, absoluteExpiresAt, serverNow } (200), or 401 { reason } when signed out, 503 when the store is
 * down. POST: "Stay signed in" — touches the session and answers like GET. DELETE: signs this browser out.
 * POST and DELETE refuse cross-site requests as middleware does (lib/session/request-guards.ts).
 */
import { idleDeadline } from "@/lib/ops/deadline";
import { refuseCrossSiteRequest } from "@/lib/session";
import {
  clearSessionCookie,
  getSessionKit,
  readSessionCookie,
  readSignedOutReason,
} from "@/lib/session/next";

export const dynamic = "force-dynamic";

const NO_STORE = { "cache-control": "no-store" };

/** Middleware skips this route: the same cross-site rule it applies (a forwarded host only when configured). */
function refusal(request: Request): Response | null {
  const { cookieName, trustedHostHeader } = getSessionKit().config;
  const refused = refuseCrossSiteRequest(request, { cookieName, trustedHostHeader });
  if (refused === null) return null;
  return new Response(`${refused.message}\n`, { status: refused.status, headers: NO_STORE });
}

async function current(): Promise<Response> {
  const kit = getSessionKit();
  const cookie = await readSessionCookie();
  if (cookie === undefined) {
    return Response.json({ reason: await readSignedOutReason() }, { status: 401, headers: NO_STORE });
  }
  const result = await kit.validateSessionToken(cookie);
  if (!result.ok) {
    if (result.reason === "unavailable")
      return Response.json({ reason: "unavailable" }, { status: 503, headers: NO_STORE });
    return Response.json({ reason: result.reason }, { status: 401, headers: NO_STORE });
  }
  const now = Date.now();
  return Response.json(
    {
      expiresAt: idleDeadline(result.session, kit.config, now),
      absoluteExpiresAt: result.session.absoluteExpiresAt,
      serverNow: now,
    },
    { headers: NO_STORE },
  );
}

export async function GET(): Promise<Response> {
  return current();
}

export async function POST(request: Request): Promise<Response> {
  const refused = refusal(request);
  if (refused !== null) return refused;
  const cookie = await readSessionCookie();
  if (cookie !== undefined) {
    const touched = await getSessionKit().touchSession(cookie);
    if (!touched.ok) return Response.json({ reason: "unavailable" }, { status: 503, headers: NO_STORE });
  }
  return current();
}

export async function DELETE(request: Request): Promise<Response> {
  const refused = refusal(request);
  if (refused !== null) return refused;
  const cookie = await readSessionCookie();
  if (cookie !== undefined) {
    const revoked = await getSessionKit().revokeCurrentSession(cookie);
    // Keep the cookie when the store is down: clearing it would leave the session alive in Redis.
    if (!revoked.ok) return Response.json({ reason: "unavailable" }, { status: 503, headers: NO_STORE });
  }
  await clearSessionCookie();
  return Response.json({ signedOut: true }, { headers: NO_STORE });
}
