/**
 * GET /api/cron/cleanup: the session keyspace cleanup (lib/session/cleanup.ts) for a scheduler holding
 * CRON_SECRET (`Authorization: Bearer …`, what Vercel Cron sends). Without CRON_SECRET the endpoint answers 404.
 * Each call walks for at most ~20 s; when it did not finish, call again with ?cursor=<cursor from the answer>.
 */
import { checkBearer } from "@/lib/ops/bearer";
import { cleanupSessions, createStoreClient } from "@/lib/session/ops";
import { getSessionKit } from "@/lib/session/next";

export const dynamic = "force-dynamic";
export const maxDuration = 30;

export async function GET(request: Request): Promise<Response> {
  const auth = await checkBearer(request, process.env.CRON_SECRET);
  if (!auth.ok) return auth.response;
  const config = getSessionKit().config;
  const cursor = new URL(request.url).searchParams.get("cursor") ?? "0";
  const noStore = { "cache-control": "no-store" };
  try {
    const report = await cleanupSessions({
      redis: createStoreClient({ ...config, redis: { ...config.redis, timeoutMs: 5_000 } }, process.env),
      config,
      cursor: /^\d+$/.test(cursor) ? cursor : "0",
      maxDurationMs: 20_000,
    });
    return Response.json(report, { headers: noStore });
  } catch {
    return Response.json({ error: "session store unavailable" }, { status: 503, headers: noStore });
  }
}
