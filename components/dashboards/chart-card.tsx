"use client";
// One chart: drawn with Recharts, with its figures in a table beneath (the
// chart is never the only way to read them) and its data as CSV.
import { useSyncExternalStore } from "react";
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Chart } from "@/lib/metrics/dashboards/types";
import { formatCell, formatTick } from "@/components/dashboards/format";

const COLORS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2"];
const MAX_BARS = 20;
const noopSubscribe = () => () => undefined;
/** Long category names keep both ends (a flag's key and its variant, a model and its version). */
const shorten = (v: unknown) => {
  const s = String(v);
  return s.length > 22 ? `${s.slice(0, 10)}…${s.slice(-11)}` : s;
};

export function ChartCard({ chart, csvHref, stepMs }: { chart: Chart; csvHref: string; stepMs: number }) {
  // False while rendering on the server and hydrating, true once in the browser (charts measure the DOM).
  const mounted = useSyncExternalStore(noopSubscribe, () => true, () => false);
  const columns = new Map(chart.columns.map((c) => [c.key, c]));
  const series = (chart.series ?? []).filter((k) => columns.has(k));
  const empty = chart.rows.length === 0;
  const data = chart.kind === "bar" ? chart.rows.slice(0, MAX_BARS) : chart.rows;
  const x = chart.x ?? "";
  const label = (k: string) => columns.get(k)?.label ?? k;
  const tooltip = (value: unknown, name: unknown) => {
    const key = chart.columns.find((c) => c.label === name)?.key ?? String(name);
    const col = columns.get(key);
    return [col ? formatCell(typeof value === "number" ? value : null, col.format) : String(value), String(name)] as [string, string];
  };

  return (
    <section
      className="rounded-lg border border-slate-200 bg-white p-5"
      aria-labelledby={`chart-${chart.id}`}
      data-testid={`chart-${chart.id}`}
      data-hydrated={mounted ? "true" : undefined}
    >
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h2 id={`chart-${chart.id}`} className="text-base font-semibold">
            {chart.title}
          </h2>
          {chart.description ? <p className="mt-1 text-sm text-slate-600">{chart.description}</p> : null}
        </div>
        {!empty ? (
          <a href={csvHref} className="rounded-md border border-slate-300 px-2.5 py-1 text-sm text-slate-700 hover:bg-slate-50" download>
            Download CSV
          </a>
        ) : null}
      </div>

      {empty ? (
        <p className="mt-6 rounded-md border border-dashed border-slate-300 px-4 py-8 text-center text-sm text-slate-600">{chart.emptyText}</p>
      ) : (
        <>
          {chart.kind !== "table" && series.length > 0 ? (
            <div className="mt-4 h-64" aria-hidden="true">
              {mounted ? (
                <ResponsiveContainer width="100%" height="100%">
                  {chart.kind === "line" ? (
                    <LineChart data={data} margin={{ top: 5, right: 16, bottom: 5, left: 0 }}>
                      <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
                      <XAxis dataKey={x} tickFormatter={(v: string) => formatTick(v, stepMs)} fontSize={12} minTickGap={24} />
                      <YAxis fontSize={12} width={56} />
                      <Tooltip formatter={tooltip} labelFormatter={(v) => formatCell(String(v), "time")} />
                      <Legend />
                      {series.map((k, i) => (
                        <Line key={k} type="monotone" dataKey={k} name={label(k)} stroke={COLORS[i % COLORS.length]} dot={false} strokeWidth={2} connectNulls isAnimationActive={false} />
                      ))}
                    </LineChart>
                  ) : (
                    <BarChart data={data} margin={{ top: 5, right: 16, bottom: 5, left: 0 }}>
                      <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
                      <XAxis dataKey={x} fontSize={12} interval={0} tickFormatter={shorten} />
                      <YAxis fontSize={12} width={56} />
                      <Tooltip formatter={tooltip} />
                      <Legend />
                      {series.map((k, i) => (
                        <Bar key={k} dataKey={k} name={label(k)} fill={COLORS[i % COLORS.length]} isAnimationActive={false} />
                      ))}
                    </BarChart>
                  )}
                </ResponsiveContainer>
              ) : null}
            </div>
          ) : null}
          <details className="mt-4" open={chart.kind === "table" || undefined}>
            <summary className="cursor-pointer text-sm text-slate-700">
              {chart.kind === "table" ? "Data" : "Show the figures"} ({chart.rows.length.toLocaleString("en")} row{chart.rows.length === 1 ? "" : "s"})
            </summary>
            <div className="mt-2 max-h-96 overflow-auto">
              <table className="min-w-full text-left text-sm">
                <thead className="sticky top-0 bg-white">
                  <tr className="border-b border-slate-200 text-xs text-slate-500">
                    {chart.columns.map((c) => (
                      <th key={c.key} scope="col" className="px-2 py-1.5 font-medium">
                        {c.label}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {chart.rows.map((row, i) => (
                    <tr key={i} className="border-b border-slate-100">
                      {chart.columns.map((c) => (
                        <td key={c.key} className={`px-2 py-1 ${c.format === "text" ? "break-all" : "tabular-nums whitespace-nowrap"}`}>
                          {formatCell(row[c.key] ?? null, c.format)}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </section>
  );
}
