// GET /api/health — database and Redis status; 503 when either is down
import { healthReport } from "@/lib/health";

export const dynamic = "force-dynamic";

export async function GET() {
  const { ok, report } = await healthReport();
  return Response.json(report, { status: ok ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
