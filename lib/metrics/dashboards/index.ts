// One entry for every dashboard: by name, for a project and a range.
import "server-only";
import { safetyDashboard } from "@/lib/metrics/dashboards/safety";
import { operationsDashboard } from "@/lib/metrics/dashboards/operations";
import { incidentsDashboard } from "@/lib/metrics/dashboards/incidents";
import { qualityDashboard } from "@/lib/metrics/dashboards/quality";
import { releasesDashboard } from "@/lib/metrics/dashboards/releases";
import { costDashboard } from "@/lib/metrics/dashboards/cost";
import { roiDashboard } from "@/lib/metrics/dashboards/roi";
import type { Dashboard, DashboardName, ResolvedRange } from "@/lib/metrics/dashboards/types";

export type DashboardOptions = { flag?: string | null; control?: string | null };

export function loadDashboard(name: DashboardName, projectId: string, range: ResolvedRange, opts: DashboardOptions = {}): Promise<Dashboard> {
  switch (name) {
    case "safety":
      return safetyDashboard(projectId, range);
    case "operations":
      return operationsDashboard(projectId, range);
    case "incidents":
      return incidentsDashboard(projectId, range);
    case "quality":
      return qualityDashboard(projectId, range);
    case "releases":
      return releasesDashboard(projectId, range);
    case "cost":
      return costDashboard(projectId, range);
    case "roi":
      return roiDashboard(projectId, range, opts);
  }
}
