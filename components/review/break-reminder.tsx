"use client";
// Reviewer wellness: after a run of sev1 items, a gentle suggestion to step
// away, and the reviewer's own threshold for it.
import { useActionState, useTransition } from "react";
import { setBreakAfterSev1Action, tookBreakAction } from "@/app/p/[project]/queue/actions";
import { FormMessage, inputClass } from "@/components/ui/form";
import { idleResult, type ActionResult } from "@/lib/http/action-result";

export function BreakReminder({ streak }: { streak: number }) {
  const [pending, startTransition] = useTransition();
  return (
    <div role="note" data-testid="break-reminder" className="mb-4 flex flex-wrap items-center justify-between gap-2 rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900">
      <span>
        You have reviewed {streak} sev1 items in a row. This is hard material: a few minutes away from the screen help.
      </span>
      <button
        type="button"
        disabled={pending}
        onClick={() => startTransition(async () => void (await tookBreakAction()))}
        className="rounded-md border border-sky-300 bg-white px-2.5 py-1 text-sm font-medium hover:bg-sky-100 disabled:opacity-60"
      >
        I took a break
      </button>
    </div>
  );
}

export function BreakPreference({ breakAfterSev1 }: { breakAfterSev1: number }) {
  const [state, action, pending] = useActionState(setBreakAfterSev1Action, idleResult as ActionResult);
  return (
    <form action={action} className="space-y-1">
      <label htmlFor="breakAfterSev1" className="block text-sm text-slate-700">
        Remind me to take a break after this many sev1 items in a row (0 = never)
      </label>
      <div className="flex gap-2">
        <input id="breakAfterSev1" name="breakAfterSev1" type="number" min={0} max={100} defaultValue={breakAfterSev1} className={`${inputClass} w-24`} />
        <button type="submit" disabled={pending} className="rounded-md border border-slate-300 px-3 py-1.5 text-sm disabled:opacity-60">
          Save
        </button>
      </div>
      <FormMessage state={state} />
    </form>
  );
}
