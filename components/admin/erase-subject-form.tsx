"use client";
import { useActionState } from "react";
import { eraseSubjectAction } from "@/app/p/[project]/admin/actions";
import { ActionForm, Field, FormMessage, SubmitButton, inputClass } from "@/components/ui/form";
import { idleResult } from "@/lib/http/action-result";

export function EraseSubjectForm({ projectId }: { projectId: string }) {
  const [state, action] = useActionState(eraseSubjectAction.bind(null, projectId), idleResult);
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-5">
      <h2 className="mb-1 text-base font-semibold">Erase a person&apos;s data</h2>
      <p className="mb-4 text-sm text-slate-600">
        For a right-to-be-forgotten request: destroys the keys of the original prompts and responses of one user. Redacted copies stay, so the audit
        trail still verifies. This cannot be undone.
      </p>
      <ActionForm dispatch={action} state={state} className="grid max-w-2xl grid-cols-1 gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
        <Field label="User id (as the app sends it)" name="erase-user" error={state.ok ? undefined : state.fieldErrors?.userId}>
          <input id="erase-user" name="userId" required className={inputClass} autoComplete="off" />
        </Field>
        <Field label="Reason" name="erase-reason" error={state.ok ? undefined : state.fieldErrors?.reason}>
          <input id="erase-reason" name="reason" required placeholder="Ticket PRIV-123" className={inputClass} />
        </Field>
        <SubmitButton variant="danger">Erase</SubmitButton>
      </ActionForm>
      <div className="mt-3">
        <FormMessage state={state} />
      </div>
    </section>
  );
}
