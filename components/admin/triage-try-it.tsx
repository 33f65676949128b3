"use client";
// "Try it": which rule would match a set of signals, computed in the browser with
// the same severityFor that triage runs, over the rules as they are now.
import { useId, useState } from "react";
import { inputClass } from "@/components/ui/form";
import { reportCategoryLabel } from "@/components/admin/triage-rule-form";
import { severityFor, type SeverityRuleDef, type Signals } from "@/lib/triage/severity";
import { reportCategories, type TriageSettings } from "@/lib/triage-settings/schemas";

/** "S9: 0.92, self-harm 0.6" → { S9: 0.92, "self-harm": 0.6 }; a category without a score counts as 1. */
function parseScores(text: string): { scores: Record<string, number>; problem: string | null } {
  const scores: Record<string, number> = {};
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const m = /^(.+?)(?:\s*[:=]\s*|\s+)(\d*\.?\d+)$/.exec(part);
    const [category, score] = m ? [m[1]!.trim(), Number(m[2])] : [part, 1];
    if (score > 1) return { scores, problem: `The score of ${category} must be from 0 to 1` };
    scores[category] = Math.max(scores[category] ?? 0, score);
  }
  return { scores, problem: null };
}

/** The rules triage would use: the enabled ones that parse, or the defaults when none is enabled. */
function effectiveRules(rules: TriageSettings["rules"]): SeverityRuleDef[] | undefined {
  const enabled = rules.list.filter((r) => r.enabled);
  if (enabled.length === 0) return undefined;
  return enabled.flatMap((r) => (r.condition ? [{ name: r.name, severity: r.severity, condition: r.condition }] : []));
}

export function TriageTryIt({ rules }: { rules: TriageSettings["rules"] }) {
  const id = useId();
  const [categories, setCategories] = useState("");
  const [flagged, setFlagged] = useState(false);
  const [blocked, setBlocked] = useState(false);
  const [reported, setReported] = useState<Signals["reportCategories"]>([]);
  const [reportCount, setReportCount] = useState("0");

  const { scores, problem } = parseScores(categories);
  const count = /^\d+$/.test(reportCount.trim()) ? Number(reportCount) : 0;
  const signals: Signals = { categories: scores, flagged, blocked, reportCategories: reported, reportCount: Math.max(count, reported.length), isSample: false };
  const effective = effectiveRules(rules);
  const result = severityFor(signals, effective);
  // Numbered as in the list above; with no rule enabled the match is a shipped default instead.
  const position = result.rule && effective ? rules.list.findIndex((r) => r.enabled && r.condition && r.name === result.rule) : -1;

  return (
    <section aria-labelledby={`${id}-heading`} className="rounded-lg border border-slate-200 bg-white p-5">
      <h2 id={`${id}-heading`} className="mb-1 text-base font-semibold">
        Try it
      </h2>
      <p className="mb-4 text-sm text-slate-600">Enter an interaction&apos;s signals to see which rule matches. Nothing is saved.</p>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <div className="space-y-1">
          <label htmlFor={`${id}-categories`} className="block text-sm font-medium text-slate-700">
            Flagged categories and scores
          </label>
          <input
            id={`${id}-categories`}
            value={categories}
            onChange={(e) => setCategories(e.target.value)}
            placeholder="S9: 0.92, self-harm: 0.4"
            className={inputClass}
            aria-invalid={!!problem}
            aria-describedby={`${id}-categories-hint`}
          />
          <p id={`${id}-categories-hint`} className={`text-xs ${problem ? "text-red-700" : "text-slate-500"}`}>
            {problem ?? "Categories a classifier flagged or blocked, each with its score (0 to 1)"}
          </p>
          <div className="flex gap-4 pt-1 text-sm">
            <label className="inline-flex items-center gap-2">
              <input type="checkbox" checked={flagged} onChange={(e) => setFlagged(e.target.checked)} /> Flagged
            </label>
            <label className="inline-flex items-center gap-2">
              <input type="checkbox" checked={blocked} onChange={(e) => setBlocked(e.target.checked)} /> Blocked
            </label>
          </div>
        </div>
        <div className="space-y-1">
          <fieldset>
            <legend className="mb-1 block text-sm font-medium text-slate-700">Reported as</legend>
            <div className="flex flex-wrap gap-4 text-sm">
              {reportCategories.map((cat) => (
                <label key={cat} className="inline-flex items-center gap-2">
                  <input
                    type="checkbox"
                    checked={reported.includes(cat)}
                    onChange={(e) => setReported(e.target.checked ? [...reported, cat] : reported.filter((c) => c !== cat))}
                  />
                  {reportCategoryLabel[cat]}
                </label>
              ))}
            </div>
          </fieldset>
          <label htmlFor={`${id}-reports`} className="block pt-2 text-sm font-medium text-slate-700">
            Number of reports
          </label>
          <input
            id={`${id}-reports`}
            value={reportCount}
            onChange={(e) => setReportCount(e.target.value)}
            inputMode="numeric"
            aria-describedby={`${id}-reports-hint`}
            className={`${inputClass} max-w-32`}
          />
          <p id={`${id}-reports-hint`} className="text-xs text-slate-500">
            Counted as at least one per checked category
          </p>
        </div>
      </div>
      <p role="status" aria-live="polite" className="mt-4 rounded-md bg-slate-50 px-3 py-2 text-sm">
        Severity <strong className="font-semibold">{result.severity}</strong>
        {result.rule ? (
          <>
            {" "}
            — matched {position >= 0 ? `rule ${position + 1}, ` : ""}“{result.rule}”
          </>
        ) : (
          " — no rule matches, so the item is SEV4"
        )}
        {effective === undefined && rules.source === "project" ? " (no rule is enabled, so the shipped defaults apply)" : ""}
      </p>
    </section>
  );
}
