"use client";
// The postmortem (lead+): written and edited here as plain text, replaced as a
// whole; every version stays in the audit trail. Shown as text, never as HTML.
import { useActionState, useState } from "react";
import { setIncidentPostmortemAction } from "@/app/p/[project]/incidents/actions";
import { ActionForm, Field, FormMessage, SubmitButton, inputClass } from "@/components/ui/form";
import { buttonStyle } from "@/components/flags/format";
import { idleResult, type ActionResult } from "@/lib/http/action-result";

export function PostmortemSection({
  projectId,
  incidentId,
  postmortem,
  mayEdit,
}: {
  projectId: string;
  incidentId: string;
  postmortem: string | null;
  mayEdit: boolean;
}) {
  const [editing, setEditing] = useState(false);
  const [state, dispatch] = useActionState(async (prev: ActionResult, form: FormData) => {
    const r = await setIncidentPostmortemAction(projectId, incidentId, prev, form);
    if (r.ok) setEditing(false);
    return r;
  }, idleResult as ActionResult);
  const error = state.ok ? undefined : state.fieldErrors?.postmortem;

  return (
    <section
      aria-labelledby="postmortem-heading"
      className="rounded-lg border border-slate-200 bg-white p-5"
      data-testid="postmortem"
    >
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="postmortem-heading" className="text-base font-semibold">
          Postmortem
        </h2>
        {mayEdit && !editing ? (
          <button type="button" className={buttonStyle.secondary} onClick={() => setEditing(true)}>
            {postmortem ? "Edit postmortem" : "Write postmortem"}
          </button>
        ) : null}
      </div>
      {editing ? (
        <ActionForm dispatch={dispatch} state={state} resetOnSuccess={false} className="mt-3 space-y-3">
          <Field
            label="Postmortem text"
            name="incident-postmortem"
            error={error}
            hint="What happened, why, what was done, what changes so it does not happen again"
          >
            <textarea
              id="incident-postmortem"
              name="postmortem"
              rows={12}
              maxLength={200_000}
              defaultValue={postmortem ?? ""}
              autoFocus
              className={`${inputClass} font-mono`}
              aria-invalid={!!error}
              aria-describedby={error ? "incident-postmortem-error" : undefined}
            />
          </Field>
          <div className="flex flex-wrap items-center gap-3">
            <SubmitButton>Save postmortem</SubmitButton>
            <button type="button" className={buttonStyle.secondary} onClick={() => setEditing(false)}>
              Cancel
            </button>
            {!state.ok && !error ? <FormMessage state={state} /> : null}
          </div>
        </ActionForm>
      ) : (
        <>
          {state.ok && state.message ? (
            <div className="mt-3">
              <FormMessage state={state} />
            </div>
          ) : null}
          {postmortem ? (
            <div className="mt-3 text-sm whitespace-pre-wrap text-slate-800" data-testid="postmortem-text">
              {postmortem}
            </div>
          ) : (
            <p className="mt-3 text-sm text-slate-600">
              No postmortem yet.{mayEdit ? " Write one once the incident is understood; it can be edited later." : ""}
            </p>
          )}
        </>
      )}
    </section>
  );
}
