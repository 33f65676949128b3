// GET /metrics — Prometheus scrape (Bearer RAMPART_METRICS_TOKEN; 404 while unset)
import { metricsResponse } from "@/lib/metrics/prometheus";

export const dynamic = "force-dynamic";

export function GET(req: Request): Promise<Response> {
  return metricsResponse(req);
}
