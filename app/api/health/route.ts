/**
 * GET /api/health: is the session store reachable, through the kit's own client (its timeout and retries)?
 * 200 {status:"ok", store:"reachable", latencyMs} or 503 {status:"unavailable", reason}.
 */
import { getSessionKit } from "@/lib/session/next";

export const dynamic = "force-dynamic";

const NO_STORE = { "cache-control": "no-store" };

function unavailable(reason: string): Response {
  return Response.json({ status: "unavailable", reason }, { status: 503, headers: NO_STORE });
}

export async function GET(): Promise<Response> {
  let kit;
  try {
    kit = getSessionKit();
  } catch (error) {
    // Misconfiguration throws `session: …` with the fix: it goes to the log, the probe gets the verdict.
    console.error(error instanceof Error ? error.message : String(error));
    return unavailable("session kit not configured");
  }
  const health = await kit.checkHealth();
  if (!health.ok) {
    const timedOut = /abort|timeout/i.test(health.reason);
    return unavailable(timedOut ? "session store timed out" : "session store unreachable");
  }
  return Response.json(
    { status: "ok", store: "reachable", latencyMs: health.latencyMs },
    { headers: NO_STORE },
  );
}
