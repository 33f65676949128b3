// GET /api/health — database and Redis status; 503 when either is down
import { healthReport } from "@/lib/health";
import { DATABASE_RETRY_AFTER_SECONDS } from "@/lib/database-unavailable";

export const dynamic = "force-dynamic";

export async function GET() {
  const { ok, report } = await healthReport();
  return Response.json(report, {
    status: ok ? 200 : 503,
    headers: { "Cache-Control": "no-store", ...(ok ? {} : { "Retry-After": String(DATABASE_RETRY_AFTER_SECONDS) }) },
  });
}
