"use client";
// Acknowledge, mitigate, resolve (lead+). Each opens a dialog that says what
// the step means and takes an optional note for the timeline; resolving is
// final, so it says so. A native <dialog> opened with showModal keeps focus
// inside, closes on Escape and returns focus to the button that opened it.
import { useEffect, useId, useRef, useState, useTransition } from "react";
import { stepIncidentAction } from "@/app/p/[project]/incidents/actions";
import { FormMessage, inputClass } from "@/components/ui/form";
import { buttonStyle } from "@/components/flags/format";
import type { ActionResult } from "@/lib/http/action-result";
import type { IncidentStep } from "@/lib/incidents/step-incident";

type StepInfo = { step: IncidentStep; label: string; explain: string; danger?: boolean };

const STEPS: StepInfo[] = [
  { step: "acknowledged", label: "Acknowledge", explain: "Says someone is on it. Timed from detection (TTA)." },
  {
    step: "mitigated",
    label: "Mitigate",
    explain: "Says the harm has stopped reaching users, e.g. exposure was cut. Timed from the impact start (TTM).",
  },
  {
    step: "resolved",
    label: "Resolve",
    explain:
      "Closes the incident. Nothing more can be acknowledged or mitigated afterwards; notes and the postmortem stay open. Timed from the impact start (TTR).",
    danger: true,
  },
];

export function IncidentSteps({
  projectId,
  incidentId,
  reference,
  done,
}: {
  projectId: string;
  incidentId: string;
  reference: string;
  /** Steps already recorded; each is taken once. */
  done: Record<IncidentStep, boolean>;
}) {
  const [active, setActive] = useState<StepInfo | null>(null);
  const section = useRef<HTMLElement>(null);
  // Marks when the buttons respond (tests wait for it): a click before hydration goes nowhere.
  useEffect(() => section.current?.setAttribute("data-hydrated", ""), []);
  const [result, setResult] = useState<ActionResult | null>(null);
  const resolved = done.resolved;
  const available = STEPS.filter((s) => !done[s.step] && !resolved);

  return (
    <section
      ref={section}
      aria-label="Response"
      className="rounded-lg border border-slate-200 bg-white p-5"
      data-testid="incident-steps"
    >
      <h2 className="text-base font-semibold">Response</h2>
      {available.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">
          {reference} is resolved. Notes and the postmortem can still be added below.
        </p>
      ) : (
        <div className="mt-3 flex flex-wrap gap-2">
          {available.map((s) => (
            <button
              key={s.step}
              type="button"
              className={s.danger ? buttonStyle.dangerOutline : buttonStyle.primary}
              onClick={() => {
                setResult(null);
                setActive(s);
              }}
            >
              {s.label}
            </button>
          ))}
        </div>
      )}
      {result ? (
        <div className="mt-3">
          <FormMessage state={result} />
        </div>
      ) : null}
      <StepDialog
        info={active}
        reference={reference}
        submit={(form) => stepIncidentAction(projectId, incidentId, active!.step, form)}
        onClose={() => setActive(null)}
        onDone={(r) => {
          setActive(null);
          setResult(r);
        }}
      />
    </section>
  );
}

function StepDialog({
  info,
  reference,
  submit,
  onClose,
  onDone,
}: {
  info: StepInfo | null;
  reference: string;
  submit: (form: FormData) => Promise<ActionResult>;
  onClose: () => void;
  onDone: (r: ActionResult) => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [error, setError] = useState<ActionResult | null>(null);
  const [pending, startTransition] = useTransition();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (info && !dialog.open) dialog.showModal();
    else if (!info && dialog.open) dialog.close();
  }, [info]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={`${id}-title`}
      onClose={() => {
        setError(null);
        onClose();
      }}
      className="m-auto w-full max-w-lg rounded-lg p-0 shadow-xl backdrop:bg-slate-900/50"
    >
      {info ? (
        <form
          className="space-y-4 p-5"
          onSubmit={(e) => {
            e.preventDefault();
            const formElement = e.currentTarget;
            const form = new FormData(formElement);
            startTransition(async () => {
              const r = await submit(form);
              if (r.ok) {
                formElement.reset();
                onDone(r);
              } else setError(r);
            });
          }}
        >
          <h2 id={`${id}-title`} className="text-base font-semibold">
            {info.label} {reference}
          </h2>
          <p className="text-sm text-slate-700">{info.explain}</p>
          <div className="space-y-1">
            <label htmlFor={`${id}-note`} className="block text-sm font-medium text-slate-700">
              Note for the timeline (optional)
            </label>
            <textarea id={`${id}-note`} name="note" rows={3} maxLength={10_000} autoFocus className={inputClass} />
          </div>
          {error && !error.ok ? <FormMessage state={error} /> : null}
          <div className="flex justify-end gap-2">
            <button type="button" className={buttonStyle.secondary} onClick={() => ref.current?.close()}>
              Cancel
            </button>
            <button type="submit" disabled={pending} className={info.danger ? buttonStyle.danger : buttonStyle.primary}>
              {pending ? "Working…" : `${info.label} ${reference}`}
            </button>
          </div>
        </form>
      ) : null}
    </dialog>
  );
}
