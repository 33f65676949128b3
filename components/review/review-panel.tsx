"use client";
// The reviewer's side of the item page: the label form and the state changes
// (claim, release, escalate, request info, resume, reopen), all on the
// keyboard too — 1–5 verdict, r resolve, e escalate, Ctrl/Cmd+Enter save and
// go to the next item. Single keys are ignored while typing in a field; the
// Ctrl/Cmd+Enter chord works anywhere. Every form carries the item version
// the reviewer saw: if the lease lapsed or someone changed the item, the
// server refuses and the message says so, and nothing is overwritten.
import { useActionState, useEffect, useRef, useState, useTransition } from "react";
import { itemTransitionAction, submitLabelAction } from "@/app/p/[project]/queue/[itemId]/actions";
import { FormMessage, inputClass } from "@/components/ui/form";
import { isShortcut } from "@/components/review/keyboard";
import { idleResult, type ActionResult } from "@/lib/http/action-result";
import { hazardCategories, labelVerdicts } from "@/lib/review/label-schemas";
import type { ItemAction } from "@/lib/triage/transitions";

export type ReviewPanelProps = {
  projectId: string;
  slug: string;
  itemId: string;
  version: number;
  severity: string;
  /** What the signed-in person may do with this item right now. */
  mode: "label" | "claim" | "resume" | "reopen" | "none";
  /** Which label a submission records: says so above the form. */
  stage: "primary" | "second" | "adjudication";
  canEscalate: boolean;
  /** Why the form is not offered, when it is not. */
  notice: string | null;
  /** Categories of this item outside the S1–S14 set: offered as checkboxes too. */
  projectCategories: string[];
};

const buttonClass = {
  primary: "bg-brand-600 text-white hover:bg-brand-700",
  secondary: "border border-slate-300 bg-white text-slate-700 hover:bg-slate-50",
  danger: "border border-red-300 bg-white text-red-800 hover:bg-red-50",
} as const;

function Kbd({ children }: { children: React.ReactNode }) {
  return <kbd className="rounded border border-current/30 px-1 font-mono text-[0.7rem] opacity-80">{children}</kbd>;
}

const stageText = {
  primary: null,
  second: "Second, blind review: the first reviewer's verdict is hidden until yours is in.",
  adjudication: "The two reviews of this item disagree. Your label as lead settles it.",
} as const;

export function ReviewPanel(props: ReviewPanelProps) {
  const { projectId, slug, itemId, version, mode } = props;
  const [labelState, labelAction] = useActionState(
    submitLabelAction.bind(null, projectId, slug, itemId),
    idleResult as ActionResult,
  );
  const [moveState, moveAction] = useActionState(
    itemTransitionAction.bind(null, projectId, itemId),
    idleResult as ActionResult,
  );
  const [pending, startTransition] = useTransition();
  const labelForm = useRef<HTMLFormElement>(null);
  const moveForm = useRef<HTMLFormElement>(null);
  const [verdict, setVerdict] = useState<string>("");
  const [pendingMove, setPendingMove] = useState<ItemAction | null>(null);

  const submitLabel = (submitter?: HTMLElement | null) =>
    labelForm.current?.requestSubmit(submitter instanceof HTMLButtonElement ? submitter : undefined);
  const move = (action: ItemAction) => {
    const form = moveForm.current;
    if (!form) return;
    (form.elements.namedItem("action") as HTMLInputElement).value = action;
    setPendingMove(action);
    form.requestSubmit();
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (mode === "label" && e.key === "Enter" && (e.ctrlKey || e.metaKey) && !e.altKey) {
        e.preventDefault();
        submitLabel(document.getElementById("submit-next"));
        return;
      }
      if (mode === "label") {
        const v = labelVerdicts.find((x) => isShortcut(e, x.key));
        if (v) {
          e.preventDefault();
          setVerdict(v.value);
          document.getElementById(`verdict-${v.value}`)?.focus();
          return;
        }
        if (isShortcut(e, "r")) {
          e.preventDefault();
          submitLabel(document.getElementById("submit-resolve"));
          return;
        }
      }
      if (props.canEscalate && (mode === "label" || mode === "claim") && isShortcut(e, "e")) {
        e.preventDefault();
        move("escalate");
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [mode, props.canEscalate]);

  const moveButton = (action: ItemAction, text: string, variant: keyof typeof buttonClass, key?: string) => (
    <button
      type="button"
      onClick={() => move(action)}
      disabled={pending}
      aria-keyshortcuts={key}
      className={`inline-flex items-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-medium shadow-sm disabled:opacity-60 ${buttonClass[variant]}`}
    >
      {pending && pendingMove === action ? "Working…" : text}
      {key ? <Kbd>{key}</Kbd> : null}
    </button>
  );

  const moveControls = (
    <form
      ref={moveForm}
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        startTransition(() => moveAction(data));
      }}
      className="space-y-2"
    >
      <input type="hidden" name="action" defaultValue="" />
      <input type="hidden" name="expectedVersion" value={version} />
      {mode === "label" || (mode === "claim" && props.canEscalate) ? (
        <div className="space-y-1">
          <label htmlFor="move-reason" className="block text-xs font-medium text-slate-600">
            Reason for escalating or asking for information (optional, kept in the history)
          </label>
          <input id="move-reason" name="reason" maxLength={2000} className={inputClass} />
        </div>
      ) : null}
      <div className="flex flex-wrap gap-2">
        {mode === "claim" ? moveButton("claim", "Claim this item", "primary") : null}
        {mode === "resume" ? moveButton("resume", "Resume (information received)", "primary") : null}
        {mode === "reopen" ? moveButton("reopen", "Reopen", "secondary") : null}
        {props.canEscalate && (mode === "label" || mode === "claim")
          ? moveButton("escalate", "Escalate to a lead", "danger", "e")
          : null}
        {mode === "label" ? moveButton("request_info", "Request info (pauses SLA)", "secondary") : null}
        {mode === "label" ? moveButton("release", "Release", "secondary") : null}
      </div>
      <FormMessage state={moveState} />
    </form>
  );

  if (mode !== "label") {
    return (
      <div className="space-y-3" data-testid="review-panel">
        <FormMessage state={labelState} />
        {props.notice ? <p className="text-sm text-slate-700">{props.notice}</p> : null}
        {mode !== "none" || props.canEscalate ? moveControls : null}
      </div>
    );
  }

  const custom = props.projectCategories;
  return (
    <div className="space-y-4" data-testid="review-panel">
      {stageText[props.stage] ? (
        <p className="rounded-md bg-violet-50 px-3 py-2 text-sm text-violet-900">{stageText[props.stage]}</p>
      ) : null}
      <form
        ref={labelForm}
        aria-label="Label this item"
        onSubmit={(e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget, (e.nativeEvent as SubmitEvent).submitter);
          startTransition(() => labelAction(data));
        }}
        className="space-y-4"
      >
        <input type="hidden" name="expectedVersion" value={version} />
        <fieldset>
          <legend className="mb-1.5 text-sm font-medium text-slate-700">Verdict</legend>
          <div className="flex flex-wrap gap-2" role="radiogroup" aria-label="Verdict">
            {labelVerdicts.map((v) => (
              <label
                key={v.value}
                className={`flex cursor-pointer items-center gap-1.5 rounded-md border px-2.5 py-1.5 text-sm has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-brand-600 has-[:focus-visible]:outline-solid ${
                  verdict === v.value
                    ? "border-brand-600 bg-brand-50 font-medium text-brand-800"
                    : "border-slate-300 bg-white text-slate-700"
                }`}
              >
                <input
                  id={`verdict-${v.value}`}
                  type="radio"
                  name="verdict"
                  value={v.value}
                  checked={verdict === v.value}
                  onChange={() => setVerdict(v.value)}
                  className="sr-only"
                  aria-keyshortcuts={v.key}
                />
                <Kbd>{v.key}</Kbd> {v.label}
              </label>
            ))}
          </div>
          {!labelState.ok && labelState.fieldErrors?.verdict ? (
            <p className="mt-1 text-xs text-red-700">{labelState.fieldErrors.verdict}</p>
          ) : null}
        </fieldset>

        <details className="rounded-md border border-slate-200 p-2">
          <summary className="cursor-pointer text-sm font-medium text-slate-700">Hazard categories</summary>
          <div className="mt-2 grid grid-cols-1 gap-1 sm:grid-cols-2">
            {[
              ...hazardCategories.map((h) => ({ code: h.code, name: h.name })),
              ...custom.map((c) => ({ code: c, name: "project category" })),
            ].map((h) => (
              <label key={h.code} className="flex items-center gap-2 text-sm">
                <input type="checkbox" name="hazard" value={h.code} className="h-4 w-4 rounded border-slate-300" />
                <span className="font-mono text-xs">{h.code}</span> <span className="text-slate-600">{h.name}</span>
              </label>
            ))}
          </div>
          <div className="mt-2 space-y-1">
            <label htmlFor="customCategories" className="block text-xs font-medium text-slate-600">
              Other project categories (comma-separated)
            </label>
            <input
              id="customCategories"
              name="customCategories"
              className={inputClass}
              placeholder="e.g. medical-dosage, competitor"
            />
          </div>
        </details>

        <div className="space-y-1">
          <label htmlFor="label-severity" className="block text-sm font-medium text-slate-700">
            Severity
          </label>
          <select id="label-severity" name="severity" defaultValue={props.severity} className={inputClass}>
            {["SEV1", "SEV2", "SEV3", "SEV4"].map((s) => (
              <option key={s} value={s}>
                {s.toLowerCase()}
              </option>
            ))}
          </select>
        </div>

        <div className="space-y-1">
          <label htmlFor="label-notes" className="block text-sm font-medium text-slate-700">
            Notes
          </label>
          <textarea id="label-notes" name="notes" rows={2} maxLength={10_000} className={inputClass} />
        </div>
        <div className="space-y-1">
          <label htmlFor="label-corrected" className="block text-sm font-medium text-slate-700">
            Corrected or ideal response
          </label>
          <textarea
            id="label-corrected"
            name="correctedResponse"
            rows={3}
            maxLength={50_000}
            className={inputClass}
            aria-describedby="label-corrected-hint"
          />
          <p id="label-corrected-hint" className="text-xs text-slate-500">
            Becomes training data: what the model should have said.
          </p>
        </div>

        <div className="flex flex-wrap gap-2">
          <button
            id="submit-resolve"
            type="submit"
            name="outcome"
            value="resolve"
            disabled={pending}
            aria-keyshortcuts="r"
            className={`inline-flex items-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-medium shadow-sm disabled:opacity-60 ${buttonClass.primary}`}
          >
            {pending ? "Saving…" : "Resolve"} <Kbd>r</Kbd>
          </button>
          <button
            id="submit-next"
            type="submit"
            name="next"
            value="1"
            disabled={pending}
            aria-keyshortcuts="Control+Enter Meta+Enter"
            className={`inline-flex items-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-medium shadow-sm disabled:opacity-60 ${buttonClass.primary}`}
          >
            Resolve and next <Kbd>Ctrl+Enter</Kbd>
          </button>
          <button
            type="submit"
            name="outcome"
            value="dismiss"
            disabled={pending}
            className={`inline-flex items-center rounded-md px-3 py-1.5 text-sm font-medium shadow-sm disabled:opacity-60 ${buttonClass.secondary}`}
          >
            Dismiss (no action needed)
          </button>
        </div>
        <FormMessage state={labelState} />
      </form>
      <div className="border-t border-slate-100 pt-3">{moveControls}</div>
    </div>
  );
}
