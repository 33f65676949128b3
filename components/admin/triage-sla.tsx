"use client";
// A project's SLA policies, one form per severity: targets typed in minutes or
// hours (stored in seconds), the at-risk threshold and the work calendar.
import { useActionState } from "react";
import { updateSlaPolicyAction } from "@/app/p/[project]/admin/triage/actions";
import { ActionForm, Field, FormMessage, SubmitButton, inputClass } from "@/components/ui/form";
import { idleResult, type ActionResult } from "@/lib/http/action-result";
import type { SlaPolicyView } from "@/lib/triage-settings/schemas";
import { clockOf, durationOf, formatDuration, weekdays } from "@/lib/triage-settings/units";

export function TriageSlaPanel({ projectId, policies }: { projectId: string; policies: SlaPolicyView[] }) {
  return (
    <section aria-labelledby="sla-heading" className="rounded-lg border border-slate-200 bg-white p-5">
      <h2 id="sla-heading" className="mb-1 text-base font-semibold">
        SLA policies
      </h2>
      <p className="mb-1 text-sm text-slate-600">
        How long the team has to triage and to resolve an item of each severity. An item is at risk once the given share of its first-triage target has
        passed. In business-hours mode only the working hours in the policy&apos;s time zone count.
      </p>
      <p className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
        Changes apply to new items and to items whose severity changes; deadlines already set stay as they are.
      </p>
      <div className="space-y-4">
        {policies.map((p) => (
          <SlaPolicyForm key={p.severity} projectId={projectId} policy={p} />
        ))}
      </div>
    </section>
  );
}

function DurationInput({ prefix, name, label, seconds, error }: { prefix: string; name: string; label: string; seconds: number; error?: string }) {
  const { value, unit } = durationOf(seconds);
  return (
    <Field label={label} name={`${prefix}-${name}`} error={error}>
      <div className="flex gap-2">
        <input id={`${prefix}-${name}`} name={name} defaultValue={value} inputMode="decimal" className={`${inputClass} w-24`} aria-invalid={!!error} />
        <label className="sr-only" htmlFor={`${prefix}-${name}Unit`}>
          {label} unit
        </label>
        <select id={`${prefix}-${name}Unit`} name={`${name}Unit`} defaultValue={unit} className={`${inputClass} w-28`}>
          <option value="minutes">minutes</option>
          <option value="hours">hours</option>
        </select>
      </div>
    </Field>
  );
}

function SlaPolicyForm({ projectId, policy }: { projectId: string; policy: SlaPolicyView }) {
  const [state, action] = useActionState<ActionResult, FormData>(updateSlaPolicyAction.bind(null, projectId), idleResult);
  const error = (key: string) => (state.ok ? undefined : state.fieldErrors?.[key]);
  const sev = policy.severity.toLowerCase();
  const prefix = `sla-${sev}`;
  return (
    <section aria-labelledby={`${prefix}-heading`} className="rounded-md border border-slate-200 p-4">
      <h3 id={`${prefix}-heading`} className="mb-3 flex items-center gap-2 text-sm font-semibold">
        {policy.severity} policy
        <span className="font-normal text-slate-500">
          — triage within {formatDuration(policy.firstTriageSeconds)}, resolve within {formatDuration(policy.resolutionSeconds)}
        </span>
        {policy.source === "defaults" ? <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-600">default</span> : null}
      </h3>
      <ActionForm dispatch={action} state={state} resetOnSuccess={false} className="space-y-3">
        <input type="hidden" name="severity" value={policy.severity} />
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
          <DurationInput prefix={prefix} name="firstTriage" label="First-triage target" seconds={policy.firstTriageSeconds} error={error("firstTriageSeconds")} />
          <DurationInput prefix={prefix} name="resolution" label="Resolution target" seconds={policy.resolutionSeconds} error={error("resolutionSeconds")} />
          <Field label="At risk after (%)" name={`${prefix}-atRisk`} error={error("atRiskPercent")} hint="Of the first-triage target, 1 to 99">
            <input id={`${prefix}-atRisk`} name="atRiskPercent" defaultValue={policy.atRiskPercent} inputMode="numeric" className={`${inputClass} w-24`} aria-invalid={!!error("atRiskPercent")} />
          </Field>
        </div>
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
          <Field label="Calendar" name={`${prefix}-calendar`} error={error("calendar")}>
            <select id={`${prefix}-calendar`} name="calendar" defaultValue={policy.calendar} className={inputClass}>
              <option value="CALENDAR">24/7 (every hour counts)</option>
              <option value="BUSINESS">Business hours</option>
            </select>
          </Field>
          <Field label="Time zone" name={`${prefix}-timeZone`} error={error("timeZone")} hint="IANA name, e.g. Europe/Berlin">
            <input id={`${prefix}-timeZone`} name="timeZone" defaultValue={policy.timeZone} className={inputClass} aria-invalid={!!error("timeZone")} />
          </Field>
          <div className="grid grid-cols-2 gap-3">
            <Field label="Work starts" name={`${prefix}-workStart`} error={error("workStartMinute")}>
              <input id={`${prefix}-workStart`} name="workStart" defaultValue={clockOf(policy.workStartMinute)} placeholder="09:00" className={inputClass} aria-invalid={!!error("workStartMinute")} />
            </Field>
            <Field label="Work ends" name={`${prefix}-workEnd`} error={error("workEndMinute")}>
              <input id={`${prefix}-workEnd`} name="workEnd" defaultValue={clockOf(policy.workEndMinute)} placeholder="17:00" className={inputClass} aria-invalid={!!error("workEndMinute")} />
            </Field>
          </div>
        </div>
        <fieldset>
          <legend className="mb-1 text-sm font-medium text-slate-700">Working days</legend>
          <div className="flex flex-wrap gap-4 text-sm">
            {weekdays.map((d) => (
              <label key={d.iso} className="inline-flex items-center gap-1.5">
                <input type="checkbox" name="workingDays" value={d.iso} defaultChecked={policy.workingDays.includes(d.iso)} />
                {d.short}
              </label>
            ))}
          </div>
          {error("workingDays") ? <p className="mt-1 text-xs text-red-700">{error("workingDays")}</p> : null}
          <p className="mt-1 text-xs text-slate-500">Working days and hours count only in business-hours mode.</p>
        </fieldset>
        <div className="flex flex-wrap items-center gap-3">
          <SubmitButton>Save {policy.severity}</SubmitButton>
          <FormMessage state={state} />
        </div>
      </ActionForm>
    </section>
  );
}
