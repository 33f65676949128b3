"use client";
// The rollback rules tab: the project's rules in a table with their latest
// check and recent evaluations, and for people who may change them (lead+)
// a form for a new rule, edit, delete, and the enabled and dry-run toggles.
// Everyone else gets the same table without controls.
import { Fragment, useActionState, useEffect, useOptimistic, useRef, useState, useTransition } from "react";
import {
  createRollbackRuleAction,
  deleteRollbackRuleAction,
  setRollbackRuleDryRunAction,
  setRollbackRuleEnabledAction,
  updateRollbackRuleAction,
} from "@/app/p/[project]/admin/rollback/actions";
import { ActionForm, FormMessage, SubmitButton } from "@/components/ui/form";
import { EmptyState } from "@/components/ui/empty-state";
import { badgeClass, buttonStyle } from "@/components/flags/format";
import { formatTime } from "@/components/incidents/format";
import { EvaluationTable, type EvaluationRow } from "@/components/rollback/evaluation-table";
import { RuleFields, newRuleValues, type FlagChoice, type RuleValues } from "@/components/rollback/rule-fields";
import {
  actionName,
  formatDuration,
  formatMetricValue,
  formatThreshold,
  metricName,
} from "@/components/rollback/format";
import { idleResult, type ActionResult } from "@/lib/http/action-result";

/** The worker's latest judgement of a rule for one flag (kept in Redis, so it may be missing). */
export type RuleCheck = {
  flag: string;
  at: string;
  status: string;
  value: number | null;
  limit: number | null;
  samples: number | null;
};

export type RuleRow = RuleValues & {
  id: string;
  /** "key · environment", or null for a rule over all flags. */
  flag: string | null;
  lastFiredAt: string | null;
  checks: RuleCheck[];
  evaluations: EvaluationRow[];
};

const statusText: Record<string, string> = {
  breach: "above the limit",
  ok: "within the limit",
  insufficient_samples: "too few samples to judge",
  insufficient_baseline: "too few samples in the baseline",
  unsupported: "metric not available",
  cooldown: "above the limit, in cooldown",
  not_exposed: "nobody exposed",
  nothing_to_narrow: "above the limit, nothing left to narrow",
  fired: "fired",
  dry_run: "fired in dry run",
  superseded: "above the limit, a more drastic rule acted",
};

const COLUMNS = 12;

const rowButton =
  "inline-flex items-center justify-center rounded-md border px-2 py-1 text-xs font-medium shadow-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 disabled:opacity-60";
const rowButtonStyle = {
  secondary: `${rowButton} border-slate-300 bg-white text-slate-700 hover:bg-slate-50`,
  danger: `${rowButton} border-red-300 bg-white text-red-800 hover:bg-red-50`,
};

export function RollbackRulesPanel({
  projectId,
  slug,
  rules,
  flags,
  canEdit,
  evaluationsShown,
}: {
  projectId: string;
  slug: string;
  rules: RuleRow[];
  flags: FlagChoice[];
  canEdit: boolean;
  /** How many evaluations per rule the page loaded: the list says "latest N". */
  evaluationsShown: number;
}) {
  const root = useRef<HTMLDivElement>(null);
  // Marks when the controls respond (tests wait for it): a form sent before hydration would be a plain GET.
  useEffect(() => root.current?.setAttribute("data-hydrated", ""), []);
  const [rowResult, setRowResult] = useState<ActionResult | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [pending, startTransition] = useTransition();
  // A toggled checkbox shows its new state at once; the server's answer replaces it.
  const [modes, setMode] = useOptimistic(
    new Map(rules.map((r) => [r.id, { enabled: r.enabled, dryRun: r.dryRun }])),
    (current, change: { id: string; enabled?: boolean; dryRun?: boolean }) => {
      const next = new Map(current);
      next.set(change.id, { ...current.get(change.id)!, ...change });
      return next;
    },
  );
  const toggleOpen = (id: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <div ref={root} className="space-y-6" data-testid="rollback-rules-panel">
      {canEdit ? <NewRule projectId={projectId} flags={flags} /> : null}
      <section aria-labelledby="rules-heading" className="rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="rules-heading" className="mb-1 text-base font-semibold">
          Rules
        </h2>
        <p className="mb-4 text-sm text-slate-600">
          {canEdit
            ? "Changes apply from the worker's next check, within seconds. Every change is audited."
            : "You can see the rules and what they did; changing them takes the lead or admin role."}
        </p>
        {rowResult ? (
          <div className="mb-3">
            <FormMessage state={rowResult} />
          </div>
        ) : null}
        {rules.length === 0 ? (
          <EmptyState title="No rollback rules">
            Nothing cuts exposure automatically in this project. New release flags get the playbook&apos;s rules;
            {canEdit ? " add one above to guard a flag, or every flag at once." : " a lead or admin can add more."}
          </EmptyState>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Rollback rules of this project</caption>
              <thead className="text-xs text-slate-500 uppercase">
                <tr>
                  <th scope="col" className="py-2 pr-2">
                    Rule
                  </th>
                  <th scope="col" className="py-2 pr-2">
                    Flag
                  </th>
                  <th scope="col" className="py-2 pr-2">
                    Metric
                  </th>
                  <th scope="col" className="py-2 pr-2">
                    Window
                  </th>
                  <th scope="col" className="py-2 pr-2">
                    Comparison
                  </th>
                  <th scope="col" className="py-2 pr-2">
                    Threshold
                  </th>
                  <th scope="col" className="py-2 pr-2">
                    Min samples
                  </th>
                  <th scope="col" className="py-2 pr-2">
                    Action
                  </th>
                  <th scope="col" className="py-2 pr-2">
                    Cooldown
                  </th>
                  <th scope="col" className="py-2 pr-2">
                    Status
                  </th>
                  <th scope="col" className="py-2 pr-2">
                    Last fired
                  </th>
                  <th scope="col" className="py-2">
                    <span className="sr-only">Details and actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rules.map((r) => {
                  const mode = modes.get(r.id) ?? { enabled: r.enabled, dryRun: r.dryRun };
                  const isOpen = open.has(r.id);
                  return (
                    <Fragment key={r.id}>
                      <tr
                        className={`border-t border-slate-200 align-top ${mode.enabled ? "" : "text-slate-500"}`}
                        data-testid="rollback-rule"
                        data-name={r.name}
                        data-enabled={mode.enabled ? "true" : "false"}
                        data-dry-run={mode.dryRun ? "true" : "false"}
                      >
                        <th scope="row" className="max-w-xs min-w-48 py-2 pr-2 text-left font-medium break-words">
                          {r.name}
                          <span className="mt-1 flex flex-wrap gap-1">
                            {mode.dryRun ? (
                              <span
                                className={`${badgeClass} bg-violet-50 text-violet-800 ring-violet-600/30`}
                                data-testid="dry-run-badge"
                              >
                                Dry run
                              </span>
                            ) : null}
                          </span>
                        </th>
                        <td className="py-2 pr-2 break-words">
                          {r.flag ?? <span className="text-slate-600">all flags</span>}
                        </td>
                        <td className="py-2 pr-2">{metricName[r.metric]}</td>
                        <td className="py-2 pr-2 whitespace-nowrap">{formatDuration(r.windowSeconds)}</td>
                        <td className="py-2 pr-2">
                          {r.comparison === "BASELINE_MULTIPLE"
                            ? `× baseline (previous ${formatDuration(r.baselineWindowSeconds ?? 0)})`
                            : "absolute"}
                        </td>
                        <td className="py-2 pr-2 whitespace-nowrap tabular-nums" data-testid="rule-threshold">
                          {formatThreshold(r.metric, r.comparison, r.threshold)}
                        </td>
                        <td className="py-2 pr-2 tabular-nums">{r.minSamples.toLocaleString("en")}</td>
                        <td className="py-2 pr-2">{actionName[r.action]}</td>
                        <td className="py-2 pr-2 whitespace-nowrap">{formatDuration(r.cooldownSeconds)}</td>
                        <td className="py-2 pr-2">
                          {canEdit ? (
                            <div className="space-y-1 whitespace-nowrap">
                              <label className="flex items-center gap-2">
                                <input
                                  type="checkbox"
                                  checked={mode.enabled}
                                  disabled={pending}
                                  aria-label={`Enabled: ${r.name}`}
                                  onChange={(e) => {
                                    const enabled = e.target.checked;
                                    startTransition(async () => {
                                      setMode({ id: r.id, enabled });
                                      setRowResult(await setRollbackRuleEnabledAction(projectId, r.id, enabled));
                                    });
                                  }}
                                />
                                {mode.enabled ? "Enabled" : "Disabled"}
                              </label>
                              <label className="flex items-center gap-2">
                                <input
                                  type="checkbox"
                                  checked={mode.dryRun}
                                  disabled={pending}
                                  aria-label={`Dry run: ${r.name}`}
                                  onChange={(e) => {
                                    const dryRun = e.target.checked;
                                    startTransition(async () => {
                                      setMode({ id: r.id, dryRun });
                                      setRowResult(await setRollbackRuleDryRunAction(projectId, r.id, dryRun));
                                    });
                                  }}
                                />
                                Dry run
                              </label>
                            </div>
                          ) : (
                            <span
                              className={`${badgeClass} ${mode.enabled ? "bg-green-50 text-green-800 ring-green-600/30" : "bg-slate-100 text-slate-700 ring-slate-400/30"}`}
                            >
                              {mode.enabled ? "Enabled" : "Disabled"}
                            </span>
                          )}
                        </td>
                        <td className="py-2 pr-2 text-xs whitespace-nowrap text-slate-600">
                          {r.lastFiredAt ? <time dateTime={r.lastFiredAt}>{formatTime(r.lastFiredAt)}</time> : "never"}
                        </td>
                        <td className="py-2 text-right whitespace-nowrap">
                          <div className="flex flex-col items-stretch gap-1">
                            <button
                              type="button"
                              className={rowButtonStyle.secondary}
                              aria-expanded={isOpen}
                              aria-controls={`evaluations-${r.id}`}
                              aria-label={`Evaluations of ${r.name}`}
                              onClick={() => toggleOpen(r.id)}
                            >
                              Evaluations ({r.evaluations.length})
                            </button>
                            {canEdit ? (
                              <>
                                <button
                                  type="button"
                                  className={rowButtonStyle.secondary}
                                  aria-expanded={editing === r.id}
                                  aria-controls={`edit-${r.id}`}
                                  aria-label={`Edit ${r.name}`}
                                  onClick={() => setEditing(editing === r.id ? null : r.id)}
                                >
                                  {editing === r.id ? "Close" : "Edit"}
                                </button>
                                <button
                                  type="button"
                                  disabled={pending}
                                  className={rowButtonStyle.danger}
                                  aria-label={`Delete ${r.name}`}
                                  onClick={() => {
                                    if (
                                      confirm(
                                        `Delete “${r.name}”? It stops guarding ${r.flag ?? "the project's flags"} at once, and its evaluations are removed; incidents keep their timelines and the audit log keeps the rule.`,
                                      )
                                    ) {
                                      startTransition(async () =>
                                        setRowResult(await deleteRollbackRuleAction(projectId, r.id)),
                                      );
                                    }
                                  }}
                                >
                                  Delete
                                </button>
                              </>
                            ) : null}
                          </div>
                        </td>
                      </tr>
                      {canEdit && editing === r.id ? (
                        <tr id={`edit-${r.id}`}>
                          <td colSpan={COLUMNS} className="pb-4">
                            <EditRule
                              projectId={projectId}
                              rule={r}
                              onSaved={(result) => {
                                setRowResult(result);
                                setEditing(null);
                              }}
                            />
                          </td>
                        </tr>
                      ) : null}
                      {isOpen ? (
                        <tr id={`evaluations-${r.id}`}>
                          <td colSpan={COLUMNS} className="pb-4">
                            <RuleActivity slug={slug} rule={r} shown={evaluationsShown} />
                          </td>
                        </tr>
                      ) : null}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

function RuleActivity({ slug, rule, shown }: { slug: string; rule: RuleRow; shown: number }) {
  return (
    <div className="space-y-3 rounded-md bg-slate-50 p-4" data-testid="rule-activity">
      <div>
        <h3 className="text-sm font-semibold">Latest check</h3>
        {rule.checks.length === 0 ? (
          <p className="text-sm text-slate-600">
            {rule.enabled ? "Not checked in the last hour: is the worker running?" : "Disabled: not checked."}
          </p>
        ) : (
          <ul className="text-sm">
            {rule.checks.map((c) => (
              <li key={`${c.flag}-${c.at}`}>
                <span className="font-medium">{c.flag}</span>: {statusText[c.status] ?? c.status}
                {c.value !== null ? (
                  <span className="tabular-nums">
                    {" "}
                    ({formatMetricValue(rule.metric, c.value)}
                    {c.limit !== null ? ` vs ${formatMetricValue(rule.metric, c.limit)}` : ""}
                    {c.samples !== null ? `, ${c.samples.toLocaleString("en")} samples` : ""})
                  </span>
                ) : null}{" "}
                <span className="text-xs text-slate-500">at {formatTime(c.at)}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div>
        <h3 className="text-sm font-semibold">
          Recent evaluations{" "}
          <span className="font-normal text-slate-600">(latest {shown}; only breaches are recorded)</span>
        </h3>
        {rule.evaluations.length === 0 ? (
          <p className="text-sm text-slate-600">This rule has not been breached yet.</p>
        ) : (
          <EvaluationTable
            slug={slug}
            metric={rule.metric}
            ruleAction={rule.action}
            rows={rule.evaluations}
            caption={`Recent evaluations of ${rule.name}`}
          />
        )}
      </div>
    </div>
  );
}

function NewRule({ projectId, flags }: { projectId: string; flags: FlagChoice[] }) {
  const [opened, setOpened] = useState(false);
  const [generation, setGeneration] = useState(0);
  const [state, dispatch] = useActionState(async (prev: ActionResult, form: FormData) => {
    const r = await createRollbackRuleAction(projectId, prev, form);
    if (r.ok) {
      setGeneration((g) => g + 1);
      setOpened(false);
    }
    return r;
  }, idleResult as ActionResult);
  const errors = state.ok ? {} : (state.fieldErrors ?? {});
  return (
    <section aria-labelledby="new-rule-heading" className="rounded-lg border border-slate-200 bg-white p-5">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="new-rule-heading" className="text-base font-semibold">
          New rule
        </h2>
        <button
          type="button"
          className={opened ? buttonStyle.secondary : buttonStyle.primary}
          aria-expanded={opened}
          aria-controls="new-rule-form"
          onClick={() => setOpened(!opened)}
        >
          {opened ? "Cancel" : "Add a rule"}
        </button>
      </div>
      {opened ? (
        <div id="new-rule-form" className="mt-4">
          <ActionForm dispatch={dispatch} state={state} resetOnSuccess={false} className="space-y-4">
            {/* A fresh form after each success: the defaults again. */}
            <RuleFields key={generation} idPrefix="new-rule" values={newRuleValues} errors={errors} flags={flags} />
            <div className="flex flex-wrap items-center gap-3">
              <SubmitButton>Create rule</SubmitButton>
              {!state.ok ? <FormMessage state={state} /> : null}
            </div>
          </ActionForm>
        </div>
      ) : state.ok && state.message ? (
        <div className="mt-3">
          <FormMessage state={state} />
        </div>
      ) : null}
    </section>
  );
}

function EditRule({
  projectId,
  rule,
  onSaved,
}: {
  projectId: string;
  rule: RuleRow;
  onSaved: (r: ActionResult) => void;
}) {
  const [state, dispatch] = useActionState(async (prev: ActionResult, form: FormData) => {
    const r = await updateRollbackRuleAction(projectId, rule.id, prev, form);
    if (r.ok) onSaved(r);
    return r;
  }, idleResult as ActionResult);
  const errors = state.ok ? {} : (state.fieldErrors ?? {});
  return (
    <ActionForm
      dispatch={dispatch}
      state={state}
      resetOnSuccess={false}
      className="space-y-4 rounded-md border border-slate-200 p-4"
    >
      <h3 className="text-sm font-semibold">Edit “{rule.name}”</h3>
      <RuleFields idPrefix={`edit-${rule.id}`} values={rule} errors={errors} flagLabel={rule.flag ?? "All flags"} />
      <div className="flex flex-wrap items-center gap-3">
        <SubmitButton>Save changes</SubmitButton>
        {!state.ok ? <FormMessage state={state} /> : null}
      </div>
    </ActionForm>
  );
}
