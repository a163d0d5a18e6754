/**
 * GET /api/metrics: session metrics in the Prometheus text format, for a scraper holding METRICS_TOKEN
 * (`Authorization: Bearer …`). Without METRICS_TOKEN (16+ characters) the endpoint answers 404.
 */
import { checkBearer } from "@/lib/ops/bearer";
import { formatPrometheus } from "@/lib/session/ops";
import { getSessionKit } from "@/lib/session/next";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  const auth = await checkBearer(request, process.env.METRICS_TOKEN);
  if (!auth.ok) return auth.response;
  const read = await getSessionKit().readMetrics();
  if (!read.ok) {
    return new Response("# session store unavailable\n", {
      status: 503,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
  }
  return new Response(formatPrometheus(read.metrics), {
    headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" },
  });
}
