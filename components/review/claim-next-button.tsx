"use client";
// "Claim next": takes the most urgent item this reviewer may work on and opens
// it. Also on the keyboard: "c" anywhere on the queue page except in a field.
import { useActionState, useEffect, useRef } from "react";
import { claimNextAction } from "@/app/p/[project]/queue/actions";
import { idleResult, type ActionResult } from "@/lib/http/action-result";
import { isShortcut } from "@/components/review/keyboard";

export function ClaimNextButton({ projectId, slug }: { projectId: string; slug: string }) {
  const [state, action, pending] = useActionState(claimNextAction.bind(null, projectId, slug), idleResult as ActionResult<{ id: string }>);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isShortcut(e, "c")) return;
      e.preventDefault();
      form.current?.requestSubmit();
    };
    document.addEventListener("keydown", onKey);
    // Marks when "c" works (tests wait for it): a key pressed before hydration goes nowhere.
    form.current?.setAttribute("data-shortcut-ready", "");
    return () => document.removeEventListener("keydown", onKey);
  }, []);
  return (
    <div className="flex flex-col items-end gap-2">
      <form ref={form} action={action}>
        <button
          type="submit"
          disabled={pending}
          aria-keyshortcuts="c"
          className="inline-flex items-center gap-2 rounded-md bg-brand-600 px-3 py-2 text-sm font-medium text-white shadow-sm hover:bg-brand-700 disabled:opacity-60"
        >
          {pending ? "Claiming…" : "Claim next"}
          <kbd className="rounded border border-white/40 px-1 font-mono text-xs">c</kbd>
        </button>
      </form>
      {!state.ok ? (
        <p role="status" className="rounded-md bg-slate-100 px-3 py-1.5 text-sm text-slate-800">
          {state.error}
        </p>
      ) : null}
    </div>
  );
}
