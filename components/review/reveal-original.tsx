"use client";
// "Reveal original" for people with pii:reveal: asks why, then shows the
// unredacted prompt and response. The server records the reveal, with the
// reason, in the item's audit history before answering.
import { useActionState, useState } from "react";
import { revealOriginalAction } from "@/app/p/[project]/queue/[itemId]/actions";
import { ActionForm, Field, FormMessage, SubmitButton, inputClass } from "@/components/ui/form";
import { idleResult, type ActionResult } from "@/lib/http/action-result";
import type { RevealedOriginal } from "@/lib/review/reveal-original";

export function RevealOriginal({ projectId, itemId }: { projectId: string; itemId: string }) {
  const [open, setOpen] = useState(false);
  const [state, action] = useActionState(revealOriginalAction.bind(null, projectId, itemId), idleResult as ActionResult<RevealedOriginal>);
  // "Hide original" puts the answer away; a new reveal (a new state) shows again.
  const [dismissed, setDismissed] = useState<ActionResult<RevealedOriginal> | null>(null);
  const revealed = state.ok && state !== dismissed ? state.data : undefined;

  if (revealed?.status === "erased") {
    return (
      <p role="status" className="rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-800">
        Original no longer available (erased). Only the redacted copy remains.
      </p>
    );
  }
  if (revealed?.status === "revealed") {
    return (
      <section aria-label="Original (unredacted)" className="space-y-3 rounded-md border border-amber-300 bg-amber-50 p-3">
        <p className="text-xs font-medium text-amber-900">Original, unredacted. Your reveal and its reason are recorded in the item&apos;s history.</p>
        {revealed.messages.map((m, i) => (
          <div key={i}>
            <p className="text-xs font-semibold text-slate-600 uppercase">{m.role}</p>
            <p className="text-sm whitespace-pre-wrap" data-testid="original-message">
              {m.content}
            </p>
          </div>
        ))}
        <div>
          <p className="text-xs font-semibold text-slate-600 uppercase">response</p>
          <p className="text-sm whitespace-pre-wrap" data-testid="original-response">
            {revealed.response}
          </p>
        </div>
        <button
          type="button"
          onClick={() => {
            setDismissed(state);
            setOpen(false);
          }}
          className="text-sm font-medium text-brand-700 underline"
        >
          Hide original
        </button>
      </section>
    );
  }
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} className="rounded-md border border-amber-400 bg-white px-3 py-1.5 text-sm font-medium text-amber-900 hover:bg-amber-50">
        Reveal original
      </button>
    );
  }
  return (
    <ActionForm dispatch={action} state={state} resetOnSuccess={false} className="space-y-3 rounded-md border border-slate-200 bg-white p-3">
      <Field label="Reason for revealing personal data" name="reveal-reason" error={state.ok ? undefined : state.fieldErrors?.reason} hint="Recorded in the audit trail with your name.">
        <textarea id="reveal-reason" name="reason" required minLength={5} maxLength={500} rows={2} className={inputClass} aria-invalid={!state.ok && !!state.fieldErrors?.reason} />
      </Field>
      <div className="flex items-center gap-3">
        <SubmitButton variant="danger">Reveal</SubmitButton>
        <button type="button" onClick={() => setOpen(false)} className="text-sm text-slate-600 underline">
          Cancel
        </button>
      </div>
      <FormMessage state={state} />
    </ActionForm>
  );
}
