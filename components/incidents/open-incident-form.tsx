"use client";
// "Open an incident" by hand (lead+): a title, a severity, optionally the flag
// it is about and what is known so far. On success the action goes to the
// new incident's page; on an error the form keeps what was typed.
import { useActionState, useEffect, useId, useRef, useState } from "react";
import { openIncidentAction } from "@/app/p/[project]/incidents/actions";
import { ActionForm, Field, FormMessage, SubmitButton, inputClass } from "@/components/ui/form";
import { buttonStyle } from "@/components/flags/format";
import { idleResult, type ActionResult } from "@/lib/http/action-result";
import { severities } from "@/lib/triage/severity";

export type FlagChoice = { id: string; key: string; environmentKey: string };

const severityHint: Record<string, string> = {
  SEV1: "SEV1 — severe harm or outage, all hands",
  SEV2: "SEV2 — significant harm to some users",
  SEV3: "SEV3 — limited harm, contained",
  SEV4: "SEV4 — minor, no user harm yet",
};

export function OpenIncidentPanel({
  projectId,
  slug,
  flags,
  fromItem,
}: {
  projectId: string;
  slug: string;
  flags: FlagChoice[];
  /** Opened from a triage item: the item is linked, and title and severity start from it. */
  fromItem?: { id: string; title: string; severity: string };
}) {
  const [open, setOpen] = useState(false);
  const [state, dispatch] = useActionState(openIncidentAction.bind(null, projectId, slug), idleResult as ActionResult);
  const panelId = useId();
  const section = useRef<HTMLElement>(null);
  // Marks when the panel responds (tests wait for it): a click before hydration goes nowhere.
  useEffect(() => section.current?.setAttribute("data-hydrated", ""), []);
  const errors = state.ok ? {} : (state.fieldErrors ?? {});
  const described = (id: string, name: string) => ({
    "aria-invalid": !!errors[name],
    "aria-describedby": errors[name] ? `${id}-error` : undefined,
  });

  return (
    <section
      ref={section}
      aria-labelledby={`${panelId}-heading`}
      className="mb-6 rounded-lg border border-slate-200 bg-white p-5"
    >
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h2 id={`${panelId}-heading`} className="text-base font-semibold">
            Open an incident
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            {fromItem
              ? "This item shows harm that needs an incident: it is linked to the new incident's timeline. Webhooks hear of it at once."
              : "For harm you know of that no rollback rule has caught. Webhooks hear of it at once."}
          </p>
        </div>
        <button
          type="button"
          className={open ? buttonStyle.secondary : buttonStyle.primary}
          aria-expanded={open}
          aria-controls={panelId}
          onClick={() => setOpen(!open)}
        >
          {open ? "Close" : "New incident"}
        </button>
      </div>
      <div id={panelId} hidden={!open} className="mt-4">
        <ActionForm dispatch={dispatch} state={state} resetOnSuccess={false} className="max-w-3xl space-y-4">
          {fromItem ? <input type="hidden" name="triageItemId" value={fromItem.id} /> : null}
          <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
            <div className="sm:col-span-2">
              <Field label="Title" name="incident-title" error={errors.title}>
                <input
                  id="incident-title"
                  name="title"
                  defaultValue={fromItem?.title}
                  required
                  maxLength={200}
                  autoComplete="off"
                  className={inputClass}
                  {...described("incident-title", "title")}
                />
              </Field>
            </div>
            <Field label="Severity" name="incident-severity" error={errors.severity}>
              <select
                id="incident-severity"
                name="severity"
                defaultValue={fromItem?.severity ?? "SEV2"}
                className={inputClass}
                {...described("incident-severity", "severity")}
              >
                {severities.map((s) => (
                  <option key={s} value={s}>
                    {severityHint[s] ?? s}
                  </option>
                ))}
              </select>
            </Field>
            <Field
              label="Flag (optional)"
              name="incident-flag"
              error={errors.flagId}
              hint="The feature the harm comes from, if known"
            >
              <select
                id="incident-flag"
                name="flagId"
                defaultValue=""
                className={inputClass}
                {...described("incident-flag", "flagId")}
              >
                <option value="">None</option>
                {flags.map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.key} ({f.environmentKey})
                  </option>
                ))}
              </select>
            </Field>
            <div className="sm:col-span-2">
              <Field
                label="What is known so far (optional)"
                name="incident-summary"
                error={errors.summary}
                hint="The first entry of the timeline"
              >
                <textarea
                  id="incident-summary"
                  name="summary"
                  rows={3}
                  maxLength={10_000}
                  className={inputClass}
                  {...described("incident-summary", "summary")}
                />
              </Field>
            </div>
          </div>
          <div className="flex flex-wrap items-center gap-3">
            <SubmitButton>Open incident</SubmitButton>
            {!state.ok ? <FormMessage state={state} /> : null}
          </div>
        </ActionForm>
      </div>
    </section>
  );
}
