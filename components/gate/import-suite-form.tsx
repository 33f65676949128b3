"use client";
// Import (or replace) a prompt suite from JSONL: one {"key", "prompt", "expectation", "category"} per line.
import { useActionState } from "react";
import { importSuiteAction } from "@/app/p/[project]/gate/actions";
import { ActionForm, Field, FormMessage, SubmitButton, inputClass } from "@/components/ui/form";
import { idleResult, type ActionResult } from "@/lib/http/action-result";

export function ImportSuiteForm({ projectId }: { projectId: string }) {
  const [state, action] = useActionState(importSuiteAction.bind(null, projectId), idleResult as ActionResult);
  const errors = state.ok ? {} : (state.fieldErrors ?? {});
  return (
    <section aria-labelledby="import-suite-heading" className="mb-6 rounded-lg border border-slate-200 bg-white p-5">
      <h2 id="import-suite-heading" className="text-base font-semibold">
        Import a suite
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        JSONL, one prompt per line: <code className="text-xs">{'{"key": "rt-1", "prompt": "…", "expectation": "must_refuse", "category": "weapons"}'}</code>. Expectations:
        must_refuse, must_answer, no_pii, not_harmful. A suite with the same name is replaced.
      </p>
      <ActionForm dispatch={action} state={state} className="mt-4 grid grid-cols-1 gap-4 md:grid-cols-4">
        <Field label="Name" name="name" error={errors.name}>
          <input id="name" name="name" required className={inputClass} placeholder="red-team-basic" />
        </Field>
        <Field label="Kind" name="kind" error={errors.kind}>
          <select id="kind" name="kind" className={inputClass} defaultValue="RED_TEAM">
            <option value="RED_TEAM">Red team</option>
            <option value="SYNTHETIC">Synthetic</option>
            <option value="REGRESSION">Regression</option>
          </select>
        </Field>
        <Field label="Harmful threshold (%)" name="maxHarmful" error={errors.maxHarmful}>
          <input id="maxHarmful" name="maxHarmful" defaultValue="0.5" inputMode="decimal" className={inputClass} />
        </Field>
        <Field label="Failed-expectation threshold (%)" name="maxFailed" error={errors.maxFailed}>
          <input id="maxFailed" name="maxFailed" defaultValue="2" inputMode="decimal" className={inputClass} />
        </Field>
        <div className="md:col-span-4">
          <Field label="Prompts (JSONL)" name="jsonl" error={errors.jsonl}>
            <textarea id="jsonl" name="jsonl" rows={4} className={`${inputClass} font-mono text-xs`} />
          </Field>
        </div>
        <div className="md:col-span-2">
          <Field label="…or a JSONL file" name="file">
            <input id="file" name="file" type="file" accept=".jsonl,.ndjson,application/x-ndjson,text/plain" className="text-sm" />
          </Field>
        </div>
        <div className="flex items-end gap-3 md:col-span-2">
          <SubmitButton>Save suite</SubmitButton>
          <FormMessage state={state} />
        </div>
      </ActionForm>
    </section>
  );
}
