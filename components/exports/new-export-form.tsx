"use client";
// "New export": a format and a filter over settled labels. Personal data
// stays redacted unless the person may export it and ticks the box; the
// request itself is audited by the service.
import { useActionState } from "react";
import { createExportAction } from "@/app/p/[project]/exports/actions";
import { ActionForm, Field, FormMessage, SubmitButton, inputClass } from "@/components/ui/form";
import { idleResult, type ActionResult } from "@/lib/http/action-result";
import { exportFormats, formatInfo, severities } from "@/lib/exports/schemas";
import { labelVerdicts } from "@/lib/review/label-schemas";

export function NewExportForm({ projectId, mayIncludePii }: { projectId: string; mayIncludePii: boolean }) {
  const [state, action] = useActionState(createExportAction.bind(null, projectId), idleResult as ActionResult);
  const errors = state.ok ? {} : (state.fieldErrors ?? {});
  const error = (name: string) => errors[`filter.${name}`] ?? errors[name];

  return (
    <section aria-labelledby="new-export-heading" className="mb-6 rounded-lg border border-slate-200 bg-white p-5">
      <h2 id="new-export-heading" className="text-base font-semibold">
        New export
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        Every settled reviewer decision is a training example. Items still waiting for a second review or a lead&apos;s
        decision are left out, and so are items a format cannot use; the manifest counts both.
      </p>
      <ActionForm dispatch={action} state={state} resetOnSuccess={false} className="mt-4 space-y-4">
        <fieldset>
          <legend className="block text-sm font-medium text-slate-700">Format</legend>
          <div className="mt-2 grid grid-cols-1 gap-2 sm:grid-cols-2 lg:grid-cols-3">
            {exportFormats.map((f, i) => (
              <label
                key={f}
                className="flex cursor-pointer gap-2 rounded-md border border-slate-200 p-3 text-sm has-[:checked]:border-brand-600 has-[:checked]:bg-brand-50"
              >
                <input type="radio" name="format" value={f} defaultChecked={i === 0} className="mt-0.5" />
                <span>
                  <span className="block font-medium">{formatInfo[f].name}</span>
                  <span className="block text-xs text-slate-500">{formatInfo[f].description}</span>
                </span>
              </label>
            ))}
          </div>
          {error("format") ? <p className="mt-1 text-xs text-red-700">{error("format")}</p> : null}
        </fieldset>

        <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
          <Field label="Labeled from" name="export-from" error={error("labeledFrom")} hint="UTC day, inclusive">
            <input
              id="export-from"
              name="labeledFrom"
              type="date"
              className={inputClass}
              aria-invalid={!!error("labeledFrom")}
            />
          </Field>
          <Field label="Labeled to" name="export-to" error={error("labeledTo")} hint="UTC day, inclusive">
            <input
              id="export-to"
              name="labeledTo"
              type="date"
              className={inputClass}
              aria-invalid={!!error("labeledTo")}
            />
          </Field>
          <Field label="Model" name="export-model" error={error("modelId")}>
            <input id="export-model" name="modelId" maxLength={200} placeholder="any" className={inputClass} />
          </Field>
          <Field label="Model version" name="export-model-version" error={error("modelVersion")}>
            <input
              id="export-model-version"
              name="modelVersion"
              maxLength={200}
              placeholder="any"
              className={inputClass}
            />
          </Field>
          <Field label="Flag" name="export-flag" error={error("flagKey")} hint="Interactions that evaluated it">
            <input
              id="export-flag"
              name="flagKey"
              maxLength={100}
              placeholder="any"
              className={`${inputClass} font-mono`}
            />
          </Field>
          <Field label="Flag value or variant" name="export-flag-value" error={error("flagValue")}>
            <input
              id="export-flag-value"
              name="flagValue"
              maxLength={100}
              placeholder="any"
              className={`${inputClass} font-mono`}
            />
          </Field>
          <Field
            label="Hazard categories"
            name="export-categories"
            error={error("categories")}
            hint="Comma-separated, any of them"
          >
            <input
              id="export-categories"
              name="categories"
              maxLength={500}
              placeholder="S1, S10"
              className={inputClass}
            />
          </Field>
          <Field label="Reviewer agreement" name="export-agreement" error={error("agreement")}>
            <select id="export-agreement" name="agreement" defaultValue="any" className={inputClass}>
              <option value="any">Every settled label</option>
              <option value="agreed_or_adjudicated">Only agreed or adjudicated</option>
            </select>
          </Field>
        </div>

        <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
          <fieldset>
            <legend className="block text-sm font-medium text-slate-700">Verdicts</legend>
            <div className="mt-1 flex flex-wrap gap-3 text-sm">
              {labelVerdicts.map((v) => (
                <label key={v.value} className="flex items-center gap-1.5">
                  <input type="checkbox" name="verdict" value={v.value} className="h-4 w-4 rounded border-slate-300" />
                  {v.label}
                </label>
              ))}
            </div>
            <p className="mt-1 text-xs text-slate-500">None ticked: every verdict.</p>
          </fieldset>
          <fieldset>
            <legend className="block text-sm font-medium text-slate-700">Severities</legend>
            <div className="mt-1 flex flex-wrap gap-3 text-sm">
              {severities.map((s) => (
                <label key={s} className="flex items-center gap-1.5">
                  <input type="checkbox" name="severity" value={s} className="h-4 w-4 rounded border-slate-300" />
                  {s}
                </label>
              ))}
            </div>
            <p className="mt-1 text-xs text-slate-500">None ticked: any severity, or none.</p>
          </fieldset>
        </div>

        {mayIncludePii ? (
          <label className="flex items-start gap-2 rounded-md bg-amber-50 p-3 text-sm text-amber-900">
            <input type="checkbox" name="includePii" className="mt-0.5 h-4 w-4 rounded border-slate-300" />
            <span>
              Include personal data: decrypt the originals where their keys still exist, and leave reviewer text
              unredacted. This is recorded in the audit log, and only people who may export personal data can download
              the file.
            </span>
          </label>
        ) : (
          <p className="text-xs text-slate-500">Personal data is redacted in exports.</p>
        )}

        <div className="flex items-center gap-3">
          <SubmitButton>Create export</SubmitButton>
        </div>
        <FormMessage state={state} />
      </ActionForm>
    </section>
  );
}
