/**
 * GET /api/health: is the session store reachable?
 * 200 {status:"ok", store:"reachable", latencyMs} or 503 {status:"unavailable", reason}.
 * The timeout uses the function form of `signal`: a static AbortSignal, once aborted, would make the
 * client report a fake success for every later request.
 */
import { Redis } from "@upstash/redis";

export const dynamic = "force-dynamic";

const TIMEOUT_MS = 2_000;
const NO_STORE = { "cache-control": "no-store" };

function unavailable(reason: string): Response {
  return Response.json({ status: "unavailable", reason }, { status: 503, headers: NO_STORE });
}

export async function GET(): Promise<Response> {
  const url = process.env.UPSTASH_REDIS_REST_URL ?? "";
  const token = process.env.UPSTASH_REDIS_REST_TOKEN ?? "";
  if (url === "" || token === "") return unavailable("session store not configured");

  const redis = new Redis({
    url,
    token,
    enableAutoPipelining: false,
    enableTelemetry: false,
    retry: { retries: 0 },
    signal: () => AbortSignal.timeout(TIMEOUT_MS),
  });
  const started = performance.now();
  try {
    const pong = await redis.ping();
    if (pong !== "PONG") return unavailable("unexpected reply from the session store");
  } catch (error) {
    const timedOut = error instanceof Error && /abort|timeout/i.test(`${error.name} ${error.message}`);
    return unavailable(timedOut ? "session store timed out" : "session store unreachable");
  }
  const latencyMs = Math.round(performance.now() - started);
  return Response.json({ status: "ok", store: "reachable", latencyMs }, { headers: NO_STORE });
}
