"use client";
// The blind-review sampling rates of a project, typed as percentages (stored in basis points).
import { useActionState } from "react";
import { updateSamplingAction } from "@/app/p/[project]/admin/triage/actions";
import { ActionForm, Field, FormMessage, SubmitButton, inputClass } from "@/components/ui/form";
import { idleResult, type ActionResult } from "@/lib/http/action-result";
import { percentOfBps } from "@/lib/triage-settings/units";

export function TriageSamplingForm({ projectId, sampling }: { projectId: string; sampling: { sampleRateBps: number; doubleReviewBps: number } }) {
  const [state, action] = useActionState<ActionResult, FormData>(updateSamplingAction.bind(null, projectId), idleResult);
  const error = (key: string) => (state.ok ? undefined : state.fieldErrors?.[key]);
  return (
    <section aria-labelledby="sampling-heading" className="rounded-lg border border-slate-200 bg-white p-5">
      <h2 id="sampling-heading" className="mb-1 text-base font-semibold">
        Sampling
      </h2>
      <p className="mb-4 text-sm text-slate-600">
        A share of the interactions every classifier passed goes to blind review, so the team sees what the classifiers miss.
      </p>
      <ActionForm dispatch={action} state={state} resetOnSuccess={false} className="space-y-3">
        <div className="grid max-w-2xl grid-cols-1 gap-3 sm:grid-cols-2">
          <Field label="Blind review sample (%)" name="sampling-rate" error={error("sampleRateBps")} hint="Of classifier-passed interactions, up to two decimals; default 1 %">
            <input id="sampling-rate" name="sampleRate" defaultValue={percentOfBps(sampling.sampleRateBps)} inputMode="decimal" className={inputClass} aria-invalid={!!error("sampleRateBps")} />
          </Field>
          <Field label="Second blind review (%)" name="sampling-double" error={error("doubleReviewBps")} hint="Of reviewed items, reviewed again by someone else without seeing the first label">
            <input id="sampling-double" name="doubleReviewRate" defaultValue={percentOfBps(sampling.doubleReviewBps)} inputMode="decimal" className={inputClass} aria-invalid={!!error("doubleReviewBps")} />
          </Field>
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <SubmitButton>Save sampling</SubmitButton>
          <FormMessage state={state} />
        </div>
      </ActionForm>
    </section>
  );
}
