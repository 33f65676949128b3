"use client";
// The flag's cost circuit breaker: a ceiling on what one user's LLM calls
// through this flag may cost per hour. Over it, evaluation serves that user
// the fallback (reason COST_LIMIT) until the hour rolls over. Leads set or
// remove it; everyone who can read the flag sees it and how many users are
// over it right now.
import { useActionState, useEffect, useRef } from "react";
import { setCostCeilingAction } from "@/app/p/[project]/flags/actions";
import { ActionForm, Field, FormMessage, SubmitButton, inputClass } from "@/components/ui/form";
import { idleResult } from "@/lib/http/action-result";

export function CostBreakerPanel({
  projectId,
  flagId,
  usdPerUserHour,
  trippedUsers,
  resetsAt,
  mayChange,
}: {
  projectId: string;
  flagId: string;
  usdPerUserHour: number | null;
  trippedUsers: number | null;
  resetsAt: string;
  mayChange: boolean;
}) {
  const [state, action] = useActionState(setCostCeilingAction.bind(null, projectId, flagId), idleResult);
  const fieldError = (name: string) => (state.ok ? undefined : state.fieldErrors?.[name]);
  // Tests (and impatient people) must not submit before React owns the form: it would be a plain GET.
  const root = useRef<HTMLElement>(null);
  useEffect(() => root.current?.setAttribute("data-hydrated", ""), []);
  return (
    <section ref={root} className="rounded-lg border border-slate-200 bg-white p-5" aria-labelledby="cost-breaker-title" data-testid="cost-breaker">
      <h2 id="cost-breaker-title" className="mb-1 text-base font-semibold">
        Cost circuit breaker
      </h2>
      {usdPerUserHour === null ? (
        <p className="text-sm text-slate-600">No ceiling: users are served this flag whatever their LLM calls cost.</p>
      ) : (
        <p className="text-sm text-slate-700">
          A user whose calls through this flag cost more than <span className="font-semibold">{usdPerUserHour}</span> in an hour is
          served its fallback until the hour rolls over.{" "}
          {trippedUsers === null ? (
            <span className="text-slate-500">(How many are over it now cannot be read at the moment.)</span>
          ) : (
            <span data-testid="cost-breaker-tripped">
              {trippedUsers === 0 ? "Nobody is over it this hour." : `${trippedUsers} ${trippedUsers === 1 ? "user is" : "users are"} over it this hour`}
              {trippedUsers > 0 ? ` (until ${resetsAt.slice(11, 16)} UTC).` : ""}
            </span>
          )}
        </p>
      )}
      {mayChange ? (
        <>
          <ActionForm dispatch={action} state={state} className="mt-4 grid max-w-2xl grid-cols-1 gap-3 sm:grid-cols-[10rem_1fr_auto_auto] sm:items-end">
            <Field label="Ceiling per user per hour" name="cost-ceiling" error={fieldError("usdPerUserHour")}>
              <input
                id="cost-ceiling"
                name="usdPerUserHour"
                inputMode="decimal"
                placeholder="0.50"
                defaultValue={usdPerUserHour ?? ""}
                className={inputClass}
                aria-invalid={fieldError("usdPerUserHour") ? true : undefined}
              />
            </Field>
            <Field label="Reason" name="cost-reason" error={fieldError("reason")}>
              <input id="cost-reason" name="reason" required placeholder="Cap spend per user" className={inputClass} />
            </Field>
            <SubmitButton>Save ceiling</SubmitButton>
            {usdPerUserHour !== null ? (
              <button type="submit" name="remove" value="1" className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50">
                Remove
              </button>
            ) : null}
          </ActionForm>
          <div className="mt-3">
            <FormMessage state={state} />
          </div>
        </>
      ) : null}
    </section>
  );
}
