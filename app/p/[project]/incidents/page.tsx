import type { Metadata } from "next";
import Link from "next/link";
import { projectPage } from "@/lib/auth/page-access";
import { can } from "@/lib/auth/permissions";
import {
  activeIncidentStatuses,
  browseIncidents,
  type BrowseIncidentsInput,
  type IncidentListRow,
} from "@/lib/incidents/browse-incidents";
import { getRecentIncidentMetrics, RECENT_INCIDENTS_CAP } from "@/lib/incidents/get-recent-incident-metrics";
import { incidentStatuses } from "@/lib/incidents/status";
import { listFlags } from "@/lib/flags/list-flags";
import { severities } from "@/lib/triage/severity";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { ResponseTimes } from "@/components/incidents/response-times";
import { IncidentFilters, type IncidentFilterValues } from "@/components/incidents/incident-filters";
import { IncidentTable, type IncidentRow } from "@/components/incidents/incident-table";
import { OpenIncidentPanel } from "@/components/incidents/open-incident-form";
import { formatTime, statusName } from "@/components/incidents/format";

export const metadata: Metadata = { title: "Incidents" };

type Search = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const oneOf = <T extends string>(list: readonly T[], v: string | undefined): T | undefined =>
  list.find((x) => x === v?.toUpperCase());
const pageNumber = (v: string | undefined) => (v && /^\d{1,9}$/.test(v) ? Number(v) : undefined);

/** The filters and page in the URL that mean something; anything else is ignored rather than an error page. */
function queryOf(search: Search): { values: IncidentFilterValues; input: BrowseIncidentsInput } {
  const values = {
    status: oneOf(incidentStatuses, one(search.status)),
    severity: oneOf(severities, one(search.severity)),
  };
  const before = pageNumber(one(search.before));
  const after = before === undefined ? pageNumber(one(search.after)) : undefined;
  return { values, input: { ...values, before: before || undefined, after } };
}

function searchOf(values: IncidentFilterValues, page: { before?: number; after?: number } = {}): string {
  const q = new URLSearchParams();
  if (values.status) q.set("status", values.status);
  if (values.severity) q.set("severity", values.severity);
  if (page.before !== undefined) q.set("before", String(page.before));
  if (page.after !== undefined) q.set("after", String(page.after));
  const s = q.toString();
  return s ? `?${s}` : "";
}

const rowOf = (i: IncidentListRow): IncidentRow => ({
  id: i.id,
  number: i.number,
  title: i.title,
  status: i.status,
  severity: i.severity,
  source: i.source,
  detectedAt: i.detectedAt.toISOString(),
  flag: i.flag,
  ttaMs: i.durations.ttaMs,
  ttmMs: i.durations.ttmMs,
  ttrMs: i.durations.ttrMs,
});

export default async function IncidentsPage({
  params,
  searchParams,
}: {
  params: Promise<{ project: string }>;
  searchParams: Promise<Search>;
}) {
  const { project: slug } = await params;
  const search = await searchParams;
  const { actor, project, role } = await projectPage(slug, "incident:read", `/p/${slug}/incidents`);
  const { values, input } = queryOf(search);
  const mayManage = can(role, "incident:manage");
  const [page, metrics, flags] = await Promise.all([
    browseIncidents(actor, project.id, input),
    getRecentIncidentMetrics(actor, project.id),
    mayManage ? listFlags(actor, project.id) : Promise.resolve([]),
  ]);
  const base = `/p/${slug}/incidents`;
  const filtered = values.status !== undefined || values.severity !== undefined;
  const paged = input.before !== undefined || input.after !== undefined;
  const activeTotal = activeIncidentStatuses.reduce((n, s) => n + page.active[s], 0);

  return (
    <>
      <PageHeader
        title="Incidents"
        description="Harm on a feature, from detection to resolution: opened by rollback rules or by hand, newest first."
      />

      <ResponseTimes
        title="Response times"
        caption={`${
          metrics.capped
            ? `The latest ${RECENT_INCIDENTS_CAP.toLocaleString("en")} incidents, all detected since ${formatTime(metrics.since.toISOString()).slice(0, 10)}.`
            : `Incidents detected since ${formatTime(metrics.since.toISOString()).slice(0, 10)} (${metrics.incidents.toLocaleString("en")} in all).`
        } Acknowledgement is timed from detection; mitigation and resolution from when the impact started.`}
        times={[
          { key: "tta", label: "Time to acknowledge", hint: "TTA", ...metrics.tta },
          { key: "ttm", label: "Time to mitigate", hint: "TTM", ...metrics.ttm },
          { key: "ttr", label: "Time to resolve", hint: "TTR", ...metrics.ttr },
        ]}
      />

      {mayManage ? (
        <OpenIncidentPanel
          projectId={project.id}
          slug={slug}
          flags={flags.map((f) => ({ id: f.id, key: f.key, environmentKey: f.environment.key }))}
        />
      ) : null}

      <p className="mb-3 text-sm text-slate-600" data-testid="active-incidents">
        {activeTotal === 0
          ? "No incident is active."
          : `Active: ${activeIncidentStatuses
              .filter((s) => page.active[s] > 0)
              .map((s) => `${page.active[s].toLocaleString("en")} ${statusName[s].toLowerCase()}`)
              .join(", ")}.`}
      </p>

      <IncidentFilters action={base} values={values} />

      {page.incidents.length === 0 ? (
        paged ? (
          <EmptyState title="No incidents on this page">
            <Link href={`${base}${searchOf(values)}`} className="font-medium text-brand-700 underline">
              Back to the newest
            </Link>
          </EmptyState>
        ) : filtered ? (
          <EmptyState title="No incidents match these filters">
            <Link href={base} className="font-medium text-brand-700 underline">
              Show every incident
            </Link>
          </EmptyState>
        ) : (
          <EmptyState title="No incidents yet">
            An incident opens here when a rollback rule cuts a flag&apos;s exposure, or when someone opens one by hand.{" "}
            {mayManage
              ? "Use “New incident” above for harm no rule has caught."
              : "A lead of this project can open one by hand."}
          </EmptyState>
        )
      ) : (
        <>
          <IncidentTable rows={page.incidents.map(rowOf)} slug={slug} />
          <nav aria-label="Pages" className="mt-3 flex justify-end gap-4 text-sm">
            {page.newer !== null ? (
              <Link
                href={`${base}${searchOf(values, { after: page.newer })}`}
                className="font-medium text-brand-700 underline"
              >
                Newer incidents
              </Link>
            ) : null}
            {page.older !== null ? (
              <Link
                href={`${base}${searchOf(values, { before: page.older })}`}
                className="font-medium text-brand-700 underline"
              >
                Older incidents
              </Link>
            ) : null}
          </nav>
        </>
      )}
    </>
  );
}
