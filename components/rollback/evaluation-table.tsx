// A rule's latest evaluations: the breaches the worker recorded (Postgres
// keeps no others), what each did or in a dry run would have done, and the
// incident it opened or joined. Outcomes are the worker's text, shown as text.
import Link from "next/link";
import { badgeClass } from "@/components/flags/format";
import { formatTime } from "@/components/incidents/format";
import { actionTakenText, formatMetricValue } from "@/components/rollback/format";
import type { RollbackAction, RollbackMetric } from "@/lib/rollback/judge";

export type EvaluationRow = {
  id: string;
  evaluatedAt: string;
  /** "key · environment", or null when the flag was deleted since. */
  flag: string | null;
  value: number;
  limit: number | null;
  samples: number;
  fired: boolean;
  dryRun: boolean;
  actionTaken: RollbackAction | null;
  outcome: string | null;
  incident: { id: string; number: number } | null;
};

function whatHappened(e: EvaluationRow, ruleAction: RollbackAction): { text: string; detail: string | null } {
  if (e.fired && e.dryRun)
    return { text: `Dry run: ${actionTakenText(e.actionTaken ?? ruleAction, true).toLowerCase()}`, detail: null };
  if (e.fired && e.actionTaken) return { text: actionTakenText(e.actionTaken, false), detail: e.outcome };
  if (e.fired) return { text: "Nothing changed", detail: e.outcome };
  return { text: "Did not act", detail: e.outcome };
}

export function EvaluationTable({
  slug,
  metric,
  ruleAction,
  rows,
  caption,
}: {
  slug: string;
  metric: RollbackMetric;
  ruleAction: RollbackAction;
  rows: EvaluationRow[];
  caption: string;
}) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="text-xs text-slate-500 uppercase">
          <tr>
            <th scope="col" className="py-2 pr-3">
              Time
            </th>
            <th scope="col" className="py-2 pr-3">
              Flag
            </th>
            <th scope="col" className="py-2 pr-3">
              Value vs limit
            </th>
            <th scope="col" className="py-2 pr-3">
              Samples
            </th>
            <th scope="col" className="py-2 pr-3">
              Fired
            </th>
            <th scope="col" className="py-2 pr-3">
              Action
            </th>
            <th scope="col" className="py-2">
              Incident
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => {
            const happened = whatHappened(e, ruleAction);
            return (
              <tr
                key={e.id}
                className="border-t border-slate-100 align-top"
                data-testid="rule-evaluation-row"
                data-dry-run={e.dryRun ? "" : undefined}
              >
                <td className="py-2 pr-3 text-xs whitespace-nowrap text-slate-600">
                  <time dateTime={e.evaluatedAt}>{formatTime(e.evaluatedAt)}</time>
                </td>
                <td className="py-2 pr-3 break-words">
                  {e.flag ?? <span className="text-slate-500">deleted flag</span>}
                </td>
                <td className="py-2 pr-3 whitespace-nowrap tabular-nums">
                  <span className="font-medium">{formatMetricValue(metric, e.value)}</span>
                  {e.limit !== null ? (
                    <span className="text-slate-600"> &gt; {formatMetricValue(metric, e.limit)}</span>
                  ) : null}
                </td>
                <td className="py-2 pr-3 tabular-nums">{e.samples.toLocaleString("en")}</td>
                <td className="py-2 pr-3">
                  <span className="flex flex-wrap gap-1">
                    <span
                      className={`${badgeClass} ${e.fired ? "bg-red-50 text-red-800 ring-red-600/30" : "bg-slate-100 text-slate-700 ring-slate-400/30"}`}
                    >
                      {e.fired ? "Fired" : "Not fired"}
                    </span>
                    {e.dryRun ? (
                      <span className={`${badgeClass} bg-violet-50 text-violet-800 ring-violet-600/30`}>Dry run</span>
                    ) : null}
                  </span>
                </td>
                <td className="max-w-sm py-2 pr-3 break-words">
                  {happened.text}
                  {happened.detail ? <span className="block text-xs text-slate-500">{happened.detail}</span> : null}
                </td>
                <td className="py-2 whitespace-nowrap">
                  {e.incident ? (
                    <Link
                      href={`/p/${slug}/incidents/${e.incident.id}`}
                      className="font-medium text-brand-700 hover:underline"
                    >
                      INC-{e.incident.number}
                    </Link>
                  ) : (
                    <span className="text-slate-400">—</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
