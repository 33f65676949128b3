"use client";
// A note on the incident's timeline (lead+): what was tried, what was learnt.
import { useActionState } from "react";
import { addIncidentNoteAction } from "@/app/p/[project]/incidents/actions";
import { ActionForm, Field, FormMessage, SubmitButton, inputClass } from "@/components/ui/form";
import { idleResult, type ActionResult } from "@/lib/http/action-result";

export function NoteForm({ projectId, incidentId }: { projectId: string; incidentId: string }) {
  const [state, dispatch] = useActionState(
    addIncidentNoteAction.bind(null, projectId, incidentId),
    idleResult as ActionResult,
  );
  const error = state.ok ? undefined : state.fieldErrors?.message;
  return (
    <ActionForm dispatch={dispatch} state={state} className="mt-4 space-y-3 border-t border-slate-100 pt-4">
      <Field label="Add a note" name="incident-note" error={error}>
        <textarea
          id="incident-note"
          name="message"
          rows={3}
          required
          maxLength={10_000}
          className={inputClass}
          aria-invalid={!!error}
          aria-describedby={error ? "incident-note-error" : undefined}
        />
      </Field>
      <div className="flex flex-wrap items-center gap-3">
        <SubmitButton variant="secondary">Add note</SubmitButton>
        {!error ? <FormMessage state={state} /> : null}
      </div>
    </ActionForm>
  );
}
