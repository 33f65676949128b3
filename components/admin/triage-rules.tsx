"use client";
// The ordered severity rules of a project (or the shipped defaults) with their
// editing controls, the form that adds one, and reset to defaults.
import { Fragment, useOptimistic, useState, useTransition } from "react";
import {
  createRuleAction,
  deleteRuleAction,
  moveRuleAction,
  resetRulesAction,
  setRuleEnabledAction,
  updateRuleAction,
} from "@/app/p/[project]/admin/triage/actions";
import { FormMessage } from "@/components/ui/form";
import { TriageRuleForm, reportCategoryLabel } from "@/components/admin/triage-rule-form";
import { TriageTryIt } from "@/components/admin/triage-try-it";
import type { ActionResult } from "@/lib/http/action-result";
import type { RuleCondition } from "@/lib/triage/severity";
import type { TriageSettings } from "@/lib/triage-settings/schemas";

function describeCondition(c: RuleCondition | null): string {
  if (!c) return "Unreadable condition: triage skips this rule. Edit or delete it.";
  const parts: string[] = [];
  if (c.categories) parts.push(`classifier category ${c.categories.join(", ")}${c.minScore > 0 ? ` with score ≥ ${c.minScore}` : ""}`);
  if (c.reportCategories) parts.push(`a ${c.reportCategories.map((r) => reportCategoryLabel[r]).join(" or ")} report`);
  if (c.minReports) parts.push(`at least ${c.minReports} report${c.minReports === 1 ? "" : "s"}`);
  if (c.anyClassifierFlag) parts.push("any classifier flag");
  return parts.join(" and ");
}

const rowButton = "rounded-md px-2 py-1 text-sm hover:bg-slate-100 disabled:opacity-40 disabled:hover:bg-transparent";

export function TriageRulesPanel({ projectId, rules }: { projectId: string; rules: TriageSettings["rules"] }) {
  const [editing, setEditing] = useState<string | null>(null);
  const [rowResult, setRowResult] = useState<ActionResult | null>(null);
  const [pending, startTransition] = useTransition();
  const run = (fn: () => Promise<ActionResult>) => startTransition(async () => setRowResult(await fn()));
  // A toggled checkbox shows its new state at once; the server's answer replaces it.
  const [enabledNow, setEnabledNow] = useOptimistic(
    new Map(rules.list.map((r) => [r.ref, r.enabled])),
    (current, change: { ref: string; enabled: boolean }) => new Map(current).set(change.ref, change.enabled),
  );
  const toggle = (ref: string, enabled: boolean) =>
    startTransition(async () => {
      setEnabledNow({ ref, enabled });
      setRowResult(await setRuleEnabledAction(projectId, ref, enabled));
    });
  const isDefaults = rules.source === "defaults";
  const last = rules.list.length - 1;

  return (
    <div className="space-y-6">
      <section aria-labelledby="rules-heading" className="rounded-lg border border-slate-200 bg-white p-5">
        <div className="mb-1 flex flex-wrap items-center justify-between gap-3">
          <h2 id="rules-heading" className="flex items-center gap-2 text-base font-semibold">
            Severity rules
            {isDefaults ? <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-600">defaults</span> : null}
          </h2>
          {!isDefaults ? (
            <button
              type="button"
              disabled={pending}
              onClick={() => {
                if (confirm("Delete this project's rules and go back to the shipped defaults?")) run(() => resetRulesAction(projectId));
              }}
              className="rounded-md border border-slate-300 px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-50"
            >
              Reset to defaults
            </button>
          ) : null}
        </div>
        <p className="mb-4 text-sm text-slate-600">
          Rules are checked from the top; the first that matches sets the severity, and an item no enabled rule matches is SEV4.
          {isDefaults ? " These are the shipped defaults: your first change copies them into this project so you can edit them." : ""}
        </p>
        {rowResult ? (
          <div className="mb-3">
            <FormMessage state={rowResult} />
          </div>
        ) : null}
        <table className="w-full text-left text-sm">
          <thead className="text-xs uppercase text-slate-500">
            <tr>
              <th className="w-8 py-2">#</th>
              <th>Rule</th>
              <th>Severity</th>
              <th>Enabled</th>
              <th className="sr-only">Actions</th>
            </tr>
          </thead>
          <tbody>
            {rules.list.map((r, i) => (
              <Fragment key={r.ref}>
                <tr className={`border-t border-slate-100 align-top ${r.enabled ? "" : "text-slate-400"}`}>
                  <td className="py-2 text-slate-500">{i + 1}</td>
                  <td className="py-2 pr-3">
                    <div className="font-medium">{r.name}</div>
                    <div className={r.condition ? "text-slate-500" : "text-red-700"}>{describeCondition(r.condition)}</div>
                  </td>
                  <td className="py-2 font-semibold">{r.severity}</td>
                  <td className="py-2">
                    <label className="inline-flex items-center gap-2">
                      <input
                        type="checkbox"
                        checked={enabledNow.get(r.ref) ?? r.enabled}
                        disabled={pending}
                        onChange={(e) => toggle(r.ref, e.target.checked)}
                        aria-label={`Enable “${r.name}”`}
                      />
                      {(enabledNow.get(r.ref) ?? r.enabled) ? "Yes" : "No"}
                    </label>
                  </td>
                  <td className="py-1 text-right whitespace-nowrap">
                    <button type="button" className={rowButton} disabled={pending || i === 0} aria-label={`Move “${r.name}” up`} onClick={() => run(() => moveRuleAction(projectId, r.ref, "up"))}>
                      ↑
                    </button>
                    <button type="button" className={rowButton} disabled={pending || i === last} aria-label={`Move “${r.name}” down`} onClick={() => run(() => moveRuleAction(projectId, r.ref, "down"))}>
                      ↓
                    </button>
                    <button
                      type="button"
                      className={rowButton}
                      disabled={pending}
                      aria-expanded={editing === r.ref}
                      onClick={() => setEditing(editing === r.ref ? null : r.ref)}
                    >
                      Edit<span className="sr-only"> “{r.name}”</span>
                    </button>
                    <button
                      type="button"
                      className={`${rowButton} text-red-700 hover:bg-red-50`}
                      disabled={pending}
                      onClick={() => {
                        if (confirm(`Delete the rule “${r.name}”?`)) run(() => deleteRuleAction(projectId, r.ref));
                      }}
                    >
                      Delete<span className="sr-only"> “{r.name}”</span>
                    </button>
                  </td>
                </tr>
                {editing === r.ref ? (
                  <tr>
                    <td colSpan={5} className="bg-slate-50 p-4">
                      <h3 className="mb-3 text-sm font-semibold">Edit “{r.name}”</h3>
                      <TriageRuleForm
                        idPrefix={`rule-${i}`}
                        initial={r}
                        save={updateRuleAction.bind(null, projectId, r.ref)}
                        submitLabel="Save rule"
                        onSaved={(result) => {
                          setEditing(null);
                          setRowResult(result);
                        }}
                        onCancel={() => setEditing(null)}
                      />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </table>
      </section>

      <TriageTryIt rules={rules} />

      <section aria-labelledby="add-rule-heading" className="rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="add-rule-heading" className="mb-1 text-base font-semibold">
          Add a rule
        </h2>
        <p className="mb-4 text-sm text-slate-600">New rules go to the end of the list; move them up to check them earlier.</p>
        <TriageRuleForm idPrefix="new-rule" save={createRuleAction.bind(null, projectId)} submitLabel="Add rule" />
      </section>
    </div>
  );
}
