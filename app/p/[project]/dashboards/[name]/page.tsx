import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { projectPage } from "@/lib/auth/page-access";
import { loadDashboard } from "@/lib/metrics/dashboards";
import { RangeError, resolveRange, rangeQuery } from "@/lib/metrics/dashboards/range";
import { DASHBOARDS, DASHBOARD_TITLES, type DashboardName } from "@/lib/metrics/dashboards/types";
import { PageHeader } from "@/components/ui/page-header";
import { DashboardTabs, RangePicker } from "@/components/dashboards/dashboard-controls";
import { Tiles } from "@/components/dashboards/tiles";
import { ChartCard } from "@/components/dashboards/chart-card";
import { RoiChoices } from "@/components/dashboards/roi-choices";

type Search = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? null;
const isDashboard = (n: string): n is DashboardName => (DASHBOARDS as readonly string[]).includes(n);

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  const { name } = await params;
  return { title: isDashboard(name) ? `${DASHBOARD_TITLES[name]} dashboard` : "Dashboards" };
}

/** datetime-local inputs send "2026-12-01T10:00" without a zone: they mean UTC here. */
const utc = (v: string | null) => (v && /^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(v) ? `${v}:00Z` : v);

export default async function DashboardPage({ params, searchParams }: { params: Promise<{ project: string; name: string }>; searchParams: Promise<Search> }) {
  const { project: slug, name } = await params;
  const search = await searchParams;
  const { project } = await projectPage(slug, "dashboard:read", `/p/${slug}/dashboards/${name}`);
  if (!isDashboard(name)) notFound();

  let range;
  let rangeProblem: string | null = null;
  try {
    range = resolveRange({ range: one(search.range), from: utc(one(search.from)), to: utc(one(search.to)) });
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    rangeProblem = err.message;
    range = resolveRange({});
  }
  const flag = one(search.flag);
  const control = one(search.control);
  const dashboard = await loadDashboard(name, project.id, range, { flag, control });
  const extra: Record<string, string> = {};
  if (dashboard.choices?.flag) extra.flag = dashboard.choices.flag;
  if (dashboard.choices?.control) extra.control = dashboard.choices.control;
  const query = rangeQuery(dashboard.range);
  const dataBase = `/p/${slug}/dashboards/${name}/data?${query}${Object.keys(extra).length ? `&${new URLSearchParams(extra).toString()}` : ""}`;

  return (
    <>
      <PageHeader title={`${dashboard.title} dashboard`} description={dashboard.description} />
      <DashboardTabs slug={slug} current={name} query={query} />
      <RangePicker slug={slug} dashboard={dashboard} extra={extra} />
      {rangeProblem ? (
        <p role="alert" className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          That range could not be used ({rangeProblem}); showing the last 7 days.
        </p>
      ) : null}
      {dashboard.choices ? <RoiChoices choices={dashboard.choices} query={query} /> : null}
      <Tiles tiles={dashboard.tiles} />
      <div className="grid grid-cols-1 gap-6 xl:grid-cols-2">
        {dashboard.charts.map((c) => (
          <div key={c.id} className={c.kind === "table" || c.kind === "line" ? "xl:col-span-2" : undefined}>
            <ChartCard chart={c} stepMs={dashboard.range.stepMs} csvHref={`${dataBase}&chart=${encodeURIComponent(c.id)}&format=csv`} />
          </div>
        ))}
      </div>
      {dashboard.notes.length ? (
        <ul className="mt-6 list-disc space-y-1 pl-5 text-xs text-slate-500">
          {dashboard.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
