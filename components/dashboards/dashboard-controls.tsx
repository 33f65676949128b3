// Tabs between dashboards and the range picker: plain links and a GET form,
// so they work before (and without) JavaScript and keep the URL shareable.
import Link from "next/link";
import { DASHBOARDS, DASHBOARD_TITLES, type Dashboard, type DashboardName } from "@/lib/metrics/dashboards/types";
import { RANGE_PRESETS, rangeQuery } from "@/lib/metrics/dashboards/range";

export function DashboardTabs({ slug, current, query }: { slug: string; current: DashboardName; query: string }) {
  return (
    <nav aria-label="Dashboards" className="mb-4 flex flex-wrap gap-1 border-b border-slate-200">
      {DASHBOARDS.map((d) => (
        <Link
          key={d}
          href={`/p/${slug}/dashboards/${d}?${query}`}
          aria-current={d === current ? "page" : undefined}
          className={`-mb-px rounded-t-md border px-3 py-1.5 text-sm ${d === current ? "border-slate-200 border-b-white bg-white font-medium text-slate-900" : "border-transparent text-slate-600 hover:text-slate-900"}`}
        >
          {DASHBOARD_TITLES[d]}
        </Link>
      ))}
    </nav>
  );
}

const inputClass = "rounded-md border border-slate-300 px-2 py-1 text-sm";

export function RangePicker({ slug, dashboard, extra }: { slug: string; dashboard: Dashboard; extra?: Record<string, string> }) {
  const r = dashboard.range;
  const keep = new URLSearchParams(extra ?? {}).toString();
  return (
    <div className="mb-6 flex flex-wrap items-end gap-4">
      <div role="group" aria-label="Time range" className="flex flex-wrap gap-1">
        {Object.keys(RANGE_PRESETS).map((p) => (
          <Link
            key={p}
            href={`/p/${slug}/dashboards/${dashboard.name}?range=${p}${keep ? `&${keep}` : ""}`}
            aria-current={r.preset === p ? "true" : undefined}
            className={`rounded-md px-2.5 py-1 text-sm ${r.preset === p ? "bg-slate-900 text-white" : "border border-slate-300 text-slate-700 hover:bg-slate-50"}`}
          >
            {p}
          </Link>
        ))}
      </div>
      <form method="get" className="flex flex-wrap items-end gap-2" aria-label="Custom range">
        {Object.entries(extra ?? {}).map(([k, v]) => (
          <input key={k} type="hidden" name={k} value={v} />
        ))}
        <label className="text-xs text-slate-600">
          From (UTC)
          <input name="from" type="datetime-local" defaultValue={r.from.slice(0, 16)} className={`mt-0.5 block ${inputClass}`} />
        </label>
        <label className="text-xs text-slate-600">
          To (UTC)
          <input name="to" type="datetime-local" defaultValue={r.to.slice(0, 16)} className={`mt-0.5 block ${inputClass}`} />
        </label>
        <button type="submit" className="rounded-md border border-slate-300 px-2.5 py-1 text-sm hover:bg-slate-50">
          Apply
        </button>
      </form>
      <p className="text-xs text-slate-500">
        {r.from.slice(0, 16).replace("T", " ")} – {r.to.slice(0, 16).replace("T", " ")} UTC · {r.grain === "m" ? "minute" : "hourly"} rollups
      </p>
    </div>
  );
}

export { rangeQuery };
