"use client";
// The flag's release gate: widening in a protected environment needs a passing
// gate run for the named candidate. Leads set or remove it (with a reason).
import Link from "next/link";
import { useActionState, useEffect, useRef } from "react";
import { setFlagGateAction } from "@/app/p/[project]/flags/actions";
import { ActionForm, Field, FormMessage, SubmitButton, inputClass } from "@/components/ui/form";
import { idleResult } from "@/lib/http/action-result";
import { GateStatusBadge } from "@/components/gate/format";

export function GatePanel({
  projectId,
  slug,
  flagId,
  candidate,
  latest,
  mayChange,
}: {
  projectId: string;
  slug: string;
  flagId: string;
  candidate: string | null;
  latest: { runId: string; status: string; scoredAt: string | null } | null;
  mayChange: boolean;
}) {
  const [state, action] = useActionState(setFlagGateAction.bind(null, projectId, flagId), idleResult);
  const fieldError = (name: string) => (state.ok ? undefined : state.fieldErrors?.[name]);
  const root = useRef<HTMLElement>(null);
  useEffect(() => root.current?.setAttribute("data-hydrated", ""), []);
  return (
    <section ref={root} className="rounded-lg border border-slate-200 bg-white p-5" aria-labelledby="gate-title" data-testid="gate-panel">
      <h2 id="gate-title" className="mb-1 text-base font-semibold">
        Release gate
      </h2>
      {candidate === null ? (
        <p className="text-sm text-slate-600">No gate: widening in a protected environment needs only a second person&apos;s approval.</p>
      ) : (
        <p className="text-sm text-slate-700">
          Widening in a protected environment needs a passing gate run for <code className="break-all text-xs">{candidate}</code>.{" "}
          {latest ? (
            <>
              Latest run{" "}
              <Link className="text-brand-700 underline" href={`/p/${slug}/gate/runs/${encodeURIComponent(latest.runId)}`}>
                {latest.runId}
              </Link>{" "}
              <GateStatusBadge status={latest.status} />
            </>
          ) : (
            <span className="font-medium">No run of this candidate has been scored yet, so widening is refused.</span>
          )}
        </p>
      )}
      {mayChange ? (
        <ActionForm dispatch={action} state={state} className="mt-3 grid grid-cols-1 gap-3 md:grid-cols-3">
          <Field label="Candidate" name="candidate" error={fieldError("candidate")} hint="e.g. model=openai/gpt-4.1-mini@2025-04-14;template=support-answer@3">
            <input id="candidate" name="candidate" defaultValue={candidate ?? ""} className={`${inputClass} font-mono text-xs`} />
          </Field>
          <Field label="Reason" name="reason" error={fieldError("reason")}>
            <input id="reason" name="reason" className={inputClass} />
          </Field>
          <div className="flex items-end gap-2">
            <SubmitButton>Require gate</SubmitButton>
            {candidate !== null ? (
              <button type="submit" name="remove" value="1" className="rounded-md border border-slate-300 px-3 py-2 text-sm hover:bg-slate-50">
                Remove gate
              </button>
            ) : null}
          </div>
          <div className="md:col-span-3">
            <FormMessage state={state} />
          </div>
        </ActionForm>
      ) : null}
    </section>
  );
}
