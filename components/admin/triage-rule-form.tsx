"use client";
// The form of one severity rule, for adding a rule or editing one in place.
import { useActionState } from "react";
import { ActionForm, Field, FormMessage, SubmitButton, inputClass } from "@/components/ui/form";
import { idleResult, type ActionResult } from "@/lib/http/action-result";
import { severities } from "@/lib/triage/severity";
import { reportCategories, type SeverityRuleView } from "@/lib/triage-settings/schemas";

export const severityHint: Record<string, string> = {
  SEV1: "SEV1 — most urgent",
  SEV2: "SEV2",
  SEV3: "SEV3",
  SEV4: "SEV4 — least urgent",
};

export const reportCategoryLabel: Record<(typeof reportCategories)[number], string> = {
  HARMFUL: "harmful",
  INCORRECT: "incorrect",
  PRIVACY: "privacy",
  OTHER: "other",
};

type SaveRule = (prev: ActionResult, form: FormData) => Promise<ActionResult>;

export function TriageRuleForm({
  idPrefix,
  save,
  initial,
  submitLabel,
  onSaved,
  onCancel,
}: {
  /** Makes ids unique when several rule forms are on the page. */
  idPrefix: string;
  save: SaveRule;
  initial?: SeverityRuleView;
  submitLabel: string;
  /** Called with the result of a successful save (an edit form closes and its parent shows the message). */
  onSaved?: (result: ActionResult) => void;
  onCancel?: () => void;
}) {
  const [state, dispatch] = useActionState<ActionResult, FormData>(async (prev, form) => {
    const result = await save(prev, form);
    if (result.ok) onSaved?.(result);
    return result;
  }, idleResult);
  const error = (key: string) => (state.ok ? undefined : state.fieldErrors?.[key]);
  const id = (name: string) => `${idPrefix}-${name}`;
  const c = initial?.condition;
  const conditionError = error("condition");

  return (
    <ActionForm dispatch={dispatch} state={state} resetOnSuccess={!initial} className="space-y-4">
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-[2fr_1fr]">
        <Field label="Rule name" name={id("name")} error={error("name")}>
          <input id={id("name")} name="name" defaultValue={initial?.name} maxLength={100} className={inputClass} aria-invalid={!!error("name")} />
        </Field>
        <Field label="Severity" name={id("severity")} error={error("severity")}>
          <select id={id("severity")} name="severity" defaultValue={initial?.severity ?? "SEV3"} className={inputClass}>
            {severities.map((s) => (
              <option key={s} value={s}>
                {severityHint[s]}
              </option>
            ))}
          </select>
        </Field>
      </div>

      <fieldset className={`space-y-3 rounded-md border p-3 ${conditionError ? "border-red-500" : "border-slate-200"}`} aria-describedby={conditionError ? id("condition-error") : undefined}>
        <legend className="px-1 text-sm font-medium text-slate-700">Conditions — the rule matches when all the ones you fill in hold</legend>
        {conditionError ? (
          <p id={id("condition-error")} className="text-xs text-red-700">
            {conditionError}
          </p>
        ) : null}
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-[2fr_1fr]">
          <Field label="Classifier categories" name={id("categories")} error={error("condition.categories")} hint="Comma-separated, e.g. S4, S11, self-harm; any one of them counts">
            <input id={id("categories")} name="categories" defaultValue={c?.categories?.join(", ")} className={inputClass} aria-invalid={!!error("condition.categories")} />
          </Field>
          <Field label="Minimum score" name={id("minScore")} error={error("condition.minScore")} hint="0 to 1, for the categories">
            <input
              id={id("minScore")}
              name="minScore"
              inputMode="decimal"
              placeholder="0"
              defaultValue={c?.categories && c.minScore ? String(c.minScore) : ""}
              className={inputClass}
              aria-invalid={!!error("condition.minScore")}
            />
          </Field>
        </div>
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-[2fr_1fr]">
          <fieldset>
            <legend className="mb-1 block text-sm font-medium text-slate-700">Report categories</legend>
            <div className="flex flex-wrap gap-4 pt-1">
              {reportCategories.map((cat) => (
                <label key={cat} className="inline-flex items-center gap-2 text-sm">
                  <input type="checkbox" name="reportCategories" value={cat} defaultChecked={c?.reportCategories?.includes(cat)} />
                  {reportCategoryLabel[cat]}
                </label>
              ))}
            </div>
            <p className="mt-1 text-xs text-slate-500">A user report in any of the checked categories</p>
            {error("condition.reportCategories") ? <p className="text-xs text-red-700">{error("condition.reportCategories")}</p> : null}
          </fieldset>
          <Field label="Minimum report count" name={id("minReports")} error={error("condition.minReports")} hint="At least this many user reports">
            <input id={id("minReports")} name="minReports" inputMode="numeric" defaultValue={c?.minReports ?? ""} className={inputClass} aria-invalid={!!error("condition.minReports")} />
          </Field>
        </div>
        <label className="inline-flex items-center gap-2 text-sm">
          <input type="checkbox" name="anyClassifierFlag" defaultChecked={c?.anyClassifierFlag === true} />
          Any classifier flag (a classifier flagged or blocked the interaction)
        </label>
      </fieldset>

      <div className="flex flex-wrap items-center gap-3">
        <SubmitButton>{submitLabel}</SubmitButton>
        {onCancel ? (
          <button type="button" onClick={onCancel} className="rounded-md px-3 py-2 text-sm text-slate-700 hover:bg-slate-100">
            Cancel
          </button>
        ) : null}
      </div>
      <FormMessage state={state} />
    </ActionForm>
  );
}
