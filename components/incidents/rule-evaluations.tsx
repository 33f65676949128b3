// The rule evaluations behind an incident, each with the telemetry it was
// judged on: the value against its limit, the window, the samples, the
// baseline, and the counts per flag version. The raw snapshot is there too,
// as text.
import { formatTime } from "@/components/incidents/format";

export type EvaluationView = {
  id: string;
  ruleName: string;
  metric: string;
  comparison: string;
  threshold: number;
  action: string;
  evaluatedAt: string;
  value: number;
  baseline: number | null;
  samples: number;
  dryRun: boolean;
  actionTaken: string | null;
  snapshot: unknown;
};

type Snapshot = {
  window?: { start?: string; end?: string };
  baselineWindow?: { start?: string; end?: string } | null;
  limit?: number | null;
  minSamples?: number;
  baselineSamples?: number | null;
  counts?: { responses?: number; harmful?: number; reports?: number; latencyP95Ms?: number | null };
  versions?: { version: number; responses: number; harmful: number; reports: number }[];
  outcome?: string;
};

const metricName: Record<string, string> = {
  HARMFUL_RATE: "Harmful rate",
  REPORT_RATE: "Report rate",
  LATENCY_P95: "Latency p95",
  COST_PER_CALL: "Cost per call",
  ERROR_RATE: "Error rate",
};

/** A metric's value in its unit: rates as percentages, latency in ms, cost in currency units. */
function metricValue(metric: string, v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  if (metric.endsWith("_RATE")) return `${(v * 100).toFixed(2).replace(/\.?0+$/, "")}%`;
  if (metric === "LATENCY_P95") return `${Math.round(v).toLocaleString("en")} ms`;
  if (metric === "COST_PER_CALL") return v.toFixed(4);
  return String(v);
}

const span = (w: { start?: string; end?: string } | null | undefined) =>
  w?.start && w.end ? `${formatTime(w.start)} → ${formatTime(w.end).slice(11)}` : "—";

const asSnapshot = (s: unknown): Snapshot => (s && typeof s === "object" && !Array.isArray(s) ? (s as Snapshot) : {});

export function RuleEvaluations({ evaluations }: { evaluations: EvaluationView[] }) {
  if (evaluations.length === 0)
    return <p className="text-sm text-slate-600">No rule evaluation is linked: this incident was opened by hand.</p>;
  return (
    <ul className="space-y-4">
      {evaluations.map((e) => {
        const s = asSnapshot(e.snapshot);
        const rule = `${metricName[e.metric] ?? e.metric} ${e.comparison === "BASELINE_MULTIPLE" ? `> ${e.threshold} × baseline` : `> ${metricValue(e.metric, e.threshold)}`}`;
        return (
          <li key={e.id} className="rounded-md border border-slate-200 p-4" data-testid="rule-evaluation">
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <h3 className="text-sm font-semibold break-words">{e.ruleName}</h3>
              <time dateTime={e.evaluatedAt} className="text-xs text-slate-500">
                {formatTime(e.evaluatedAt)}
              </time>
            </div>
            <p className="mt-1 text-xs text-slate-600">
              {rule} · action {e.action}
              {e.dryRun
                ? " · dry run (nothing changed)"
                : e.actionTaken
                  ? ` · took ${e.actionTaken}`
                  : " · no change made"}
            </p>
            <dl className="mt-3 grid grid-cols-2 gap-x-4 gap-y-2 text-sm sm:grid-cols-4">
              <div>
                <dt className="text-xs text-slate-500">Value</dt>
                <dd className="font-medium tabular-nums">{metricValue(e.metric, e.value)}</dd>
              </div>
              <div>
                <dt className="text-xs text-slate-500">Limit</dt>
                <dd className="tabular-nums">{metricValue(e.metric, s.limit)}</dd>
              </div>
              <div>
                <dt className="text-xs text-slate-500">Samples</dt>
                <dd className="tabular-nums">
                  {e.samples.toLocaleString("en")}
                  {typeof s.minSamples === "number" ? (
                    <span className="text-xs text-slate-500"> (min {s.minSamples.toLocaleString("en")})</span>
                  ) : null}
                </dd>
              </div>
              <div>
                <dt className="text-xs text-slate-500">Baseline</dt>
                <dd className="tabular-nums">
                  {e.baseline === null ? "—" : metricValue(e.metric, e.baseline)}
                  {typeof s.baselineSamples === "number" ? (
                    <span className="text-xs text-slate-500"> ({s.baselineSamples.toLocaleString("en")} samples)</span>
                  ) : null}
                </dd>
              </div>
              <div className="col-span-2">
                <dt className="text-xs text-slate-500">Window</dt>
                <dd className="tabular-nums">{span(s.window)}</dd>
              </div>
              <div className="col-span-2">
                <dt className="text-xs text-slate-500">Baseline window</dt>
                <dd className="tabular-nums">{span(s.baselineWindow)}</dd>
              </div>
              {s.counts ? (
                <div className="col-span-2 sm:col-span-4">
                  <dt className="text-xs text-slate-500">Counts in the window</dt>
                  <dd className="tabular-nums">
                    {(s.counts.responses ?? 0).toLocaleString("en")} responses,{" "}
                    {(s.counts.harmful ?? 0).toLocaleString("en")} harmful,{" "}
                    {(s.counts.reports ?? 0).toLocaleString("en")} reports
                    {typeof s.counts.latencyP95Ms === "number"
                      ? `, p95 latency ${Math.round(s.counts.latencyP95Ms).toLocaleString("en")} ms`
                      : ""}
                  </dd>
                </div>
              ) : null}
              {s.outcome ? (
                <div className="col-span-2 sm:col-span-4">
                  <dt className="text-xs text-slate-500">Outcome</dt>
                  <dd className="break-words">{String(s.outcome)}</dd>
                </div>
              ) : null}
            </dl>
            {s.versions?.length ? (
              <table className="mt-3 text-left text-xs">
                <caption className="text-left text-slate-500">Per flag version</caption>
                <thead className="text-slate-500">
                  <tr>
                    <th scope="col" className="pr-4 font-medium">
                      Version
                    </th>
                    <th scope="col" className="pr-4 font-medium">
                      Responses
                    </th>
                    <th scope="col" className="pr-4 font-medium">
                      Harmful
                    </th>
                    <th scope="col" className="font-medium">
                      Reports
                    </th>
                  </tr>
                </thead>
                <tbody className="tabular-nums">
                  {s.versions.map((v) => (
                    <tr key={v.version}>
                      <td className="pr-4">v{v.version}</td>
                      <td className="pr-4">{v.responses}</td>
                      <td className="pr-4">{v.harmful}</td>
                      <td>{v.reports}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
            <details className="mt-3">
              <summary className="cursor-pointer text-xs font-medium text-brand-700">Telemetry snapshot (raw)</summary>
              <pre className="mt-2 max-h-80 overflow-auto rounded bg-slate-50 p-2 text-xs">
                {JSON.stringify(e.snapshot, null, 2)}
              </pre>
            </details>
          </li>
        );
      })}
    </ul>
  );
}
