// GET /p/:project/dashboards/:name/data?range=7d|from=…&to=…[&flag=…&control=…]
//   → the dashboard as JSON; with &chart=<id>&format=csv, that chart's data as CSV.
import { requireSessionActor } from "@/lib/auth/session";
import { requireProjectBySlug } from "@/lib/auth/access";
import { AppError, notFound } from "@/lib/errors";
import { errorResponse } from "@/lib/http/responses";
import { loadDashboard } from "@/lib/metrics/dashboards";
import { chartCsv } from "@/lib/metrics/dashboards/csv";
import { RangeError, resolveRange } from "@/lib/metrics/dashboards/range";
import { DASHBOARDS, type DashboardName } from "@/lib/metrics/dashboards/types";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ project: string; name: string }> }) {
  try {
    const { project: slug, name } = await params;
    const actor = await requireSessionActor();
    const { project } = await requireProjectBySlug(actor, slug, "dashboard:read");
    if (!(DASHBOARDS as readonly string[]).includes(name)) throw notFound("No such dashboard");
    const q = new URL(request.url).searchParams;
    let range;
    try {
      range = resolveRange({ range: q.get("range"), from: q.get("from"), to: q.get("to") });
    } catch (err) {
      if (err instanceof RangeError) throw new AppError("BAD_REQUEST", err.message);
      throw err;
    }
    const dashboard = await loadDashboard(name as DashboardName, project.id, range, { flag: q.get("flag"), control: q.get("control") });
    const headers = { "cache-control": "private, no-store", "x-content-type-options": "nosniff" };
    if (q.get("format") === "csv") {
      const chart = dashboard.charts.find((c) => c.id === q.get("chart"));
      if (!chart) throw notFound(`No chart "${q.get("chart") ?? ""}" on this dashboard`);
      const day = dashboard.range.to.slice(0, 10);
      return new Response(chartCsv(chart), {
        headers: { ...headers, "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${project.slug}-${name}-${chart.id}-${day}.csv"` },
      });
    }
    return Response.json(dashboard, { headers });
  } catch (err) {
    return errorResponse(err);
  }
}
