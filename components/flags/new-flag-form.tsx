"use client";
// "New flag": a flag in the chosen environments with its initial configuration.
// Where the initial configuration would expose anyone in a protected
// environment, the service creates the flag disabled and asks a second person
// to approve enabling it; the success message says so.
import Link from "next/link";
import { useActionState, useId, useState } from "react";
import { createFlagAction, type CreatedFlagLink } from "@/app/p/[project]/flags/actions";
import { ActionForm, Field, FormMessage, SubmitButton, inputClass } from "@/components/ui/form";
import { buttonStyle, kindName } from "@/components/flags/format";
import { idleResult, type ActionResult } from "@/lib/http/action-result";
import { flagKinds, type FlagKind } from "@/lib/flags/schemas";

type Environment = { id: string; name: string; protected: boolean };

export function NewFlagPanel({
  projectId,
  slug,
  environments,
  defaultOwner,
}: {
  projectId: string;
  slug: string;
  environments: Environment[];
  defaultOwner: string;
}) {
  const [open, setOpen] = useState(false);
  const [state, action] = useActionState(
    createFlagAction.bind(null, projectId),
    idleResult as ActionResult<CreatedFlagLink[]>,
  );
  const created = state.ok ? state.data : undefined;
  const panelId = useId();

  return (
    <section aria-labelledby={`${panelId}-heading`} className="mb-6 rounded-lg border border-slate-200 bg-white p-5">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id={`${panelId}-heading`} className="text-base font-semibold">
          Create a flag
        </h2>
        <button
          type="button"
          className={open ? buttonStyle.secondary : buttonStyle.primary}
          aria-expanded={open}
          aria-controls={panelId}
          onClick={() => setOpen(!open)}
        >
          {open ? "Close" : "New flag"}
        </button>
      </div>
      {created && state.ok ? (
        <div role="status" className="mt-3 rounded-md bg-green-50 px-3 py-2 text-sm text-green-800">
          {state.message}{" "}
          {created.map((f, i) => (
            <span key={f.id}>
              {i > 0 ? " · " : null}
              <Link href={`/p/${slug}/flags/${f.id}`} className="font-medium underline">
                Open in {f.environmentKey}
              </Link>
            </span>
          ))}
        </div>
      ) : null}
      <div id={panelId} hidden={!open} className="mt-4">
        {/* A new form after each success: fresh defaults, including the kind-dependent fields. */}
        <NewFlagFields
          key={created ? created.map((f) => f.id).join() : "new"}
          dispatch={action}
          state={state}
          environments={environments}
          defaultOwner={defaultOwner}
        />
      </div>
    </section>
  );
}

function NewFlagFields({
  dispatch,
  state,
  environments,
  defaultOwner,
}: {
  dispatch: (form: FormData) => void;
  state: ActionResult<CreatedFlagLink[]>;
  environments: Environment[];
  defaultOwner: string;
}) {
  const [kind, setKind] = useState<FlagKind>("RELEASE");
  const errors = state.ok ? {} : (state.fieldErrors ?? {});
  const error = (...names: string[]) => names.map((n) => errors[n]).find(Boolean);
  // Field ties its error text to `${id}-error`.
  const described = (id: string, ...names: string[]) => ({
    "aria-invalid": !!error(...names),
    "aria-describedby": error(...names) ? `${id}-error` : undefined,
  });
  const killSwitch = kind === "KILL_SWITCH";
  const rolloutError = error("rolloutPercent", "config.rolloutBps", "rolloutBps");
  const variantsError = error("config.variants", "variants", "config");

  return (
    <ActionForm dispatch={dispatch} state={state} resetOnSuccess={false} className="max-w-3xl space-y-4">
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <Field
          label="Key"
          name="new-flag-key"
          error={error("key")}
          hint="Lower-case letters, digits, dots, dashes or underscores; used in code"
        >
          <input
            id="new-flag-key"
            name="key"
            required
            maxLength={100}
            autoComplete="off"
            spellCheck={false}
            placeholder="assistant-new-tone"
            className={`${inputClass} font-mono`}
            {...described("new-flag-key", "key")}
          />
        </Field>
        <Field label="Kind" name="new-flag-kind" error={error("kind")}>
          <select
            id="new-flag-kind"
            name="kind"
            value={kind}
            onChange={(e) => setKind(e.target.value as FlagKind)}
            className={inputClass}
            {...described("new-flag-kind", "kind")}
          >
            {flagKinds.map((k) => (
              <option key={k} value={k}>
                {kindName[k]}
              </option>
            ))}
          </select>
        </Field>
        <div className="sm:col-span-2">
          <Field label="Description" name="new-flag-description" error={error("description")}>
            <textarea
              id="new-flag-description"
              name="description"
              rows={2}
              maxLength={2000}
              className={inputClass}
              {...described("new-flag-description", "description")}
            />
          </Field>
        </div>
        <Field label="Owner" name="new-flag-owner" error={error("owner")} hint="Who answers for this flag">
          <input
            id="new-flag-owner"
            name="owner"
            defaultValue={defaultOwner}
            maxLength={200}
            className={inputClass}
            {...described("new-flag-owner", "owner")}
          />
        </Field>
        <Field
          label="Expires on (optional)"
          name="new-flag-expires"
          error={error("expiresAt")}
          hint={killSwitch ? "Kill switches are permanent: no expiry" : "After this date the flag shows as stale"}
        >
          <input
            id="new-flag-expires"
            name="expiresAt"
            type="date"
            disabled={killSwitch}
            className={inputClass}
            {...described("new-flag-expires", "expiresAt")}
          />
        </Field>
      </div>

      <fieldset>
        <legend className="text-sm font-medium text-slate-700">Environments</legend>
        <div className="mt-2 flex flex-wrap gap-4">
          {environments.map((e) => (
            <label key={e.id} className="inline-flex items-center gap-2 text-sm">
              <input type="checkbox" name="environmentIds" value={e.id} defaultChecked />
              {e.name}
              {e.protected ? (
                <span className="text-xs text-slate-500">(protected: enabling waits for approval)</span>
              ) : null}
            </label>
          ))}
        </div>
        {error("environmentIds") ? <p className="mt-1 text-xs text-red-700">{error("environmentIds")}</p> : null}
      </fieldset>

      <fieldset className="space-y-3 rounded-md border border-slate-200 p-3">
        <legend className="px-1 text-sm font-medium text-slate-700">Initial configuration</legend>
        <label className="inline-flex items-center gap-2 text-sm">
          <input type="checkbox" name="enabled" /> Enabled
        </label>
        {killSwitch ? (
          <p className="text-xs text-slate-500">
            A kill switch is all or nothing: enabled serves everyone, killed serves no one.
          </p>
        ) : (
          <Field
            label="Rollout (%)"
            name="new-flag-rollout"
            error={rolloutError}
            hint="Share of traffic served the feature once enabled, 0–100 with up to two decimals"
          >
            <input
              id="new-flag-rollout"
              name="rolloutPercent"
              type="number"
              min={0}
              max={100}
              step={0.01}
              defaultValue={0}
              required
              className={`${inputClass} max-w-40`}
              {...described("new-flag-rollout", "rolloutPercent", "config.rolloutBps", "rolloutBps")}
            />
          </Field>
        )}
        {kind === "MULTIVARIATE" ? (
          <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
            <div className="sm:col-span-2">
              <Field
                label="Variants (JSON object)"
                name="new-flag-variants"
                error={variantsError}
                hint='Each variant key and the value it serves, e.g. {"short": 1, "long": 2}'
              >
                <textarea
                  id="new-flag-variants"
                  name="variants"
                  rows={3}
                  spellCheck={false}
                  className={`${inputClass} font-mono`}
                  {...described("new-flag-variants", "config.variants", "variants", "config")}
                />
              </Field>
            </div>
            <Field
              label="Default variant (served in the rollout)"
              name="new-flag-default"
              error={error("config.defaultVariant", "defaultVariant")}
            >
              <input
                id="new-flag-default"
                name="defaultVariant"
                spellCheck={false}
                className={`${inputClass} font-mono`}
                {...described("new-flag-default", "config.defaultVariant", "defaultVariant")}
              />
            </Field>
            <Field
              label="Fallback variant (everyone else)"
              name="new-flag-fallback"
              error={error("config.fallbackVariant", "fallbackVariant")}
            >
              <input
                id="new-flag-fallback"
                name="fallbackVariant"
                spellCheck={false}
                className={`${inputClass} font-mono`}
                {...described("new-flag-fallback", "config.fallbackVariant", "fallbackVariant")}
              />
            </Field>
          </div>
        ) : null}
      </fieldset>

      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <Field label="Reason (required)" name="new-flag-reason" error={error("reason")}>
          <input
            id="new-flag-reason"
            name="reason"
            required
            maxLength={2000}
            className={inputClass}
            {...described("new-flag-reason", "reason")}
          />
        </Field>
        <Field label="Ticket link (optional)" name="new-flag-ticket" error={error("ticketUrl")}>
          <input
            id="new-flag-ticket"
            name="ticketUrl"
            type="url"
            maxLength={2000}
            placeholder="https://…"
            className={inputClass}
            {...described("new-flag-ticket", "ticketUrl")}
          />
        </Field>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <SubmitButton>Create flag</SubmitButton>
        {!state.ok ? <FormMessage state={state} /> : null}
      </div>
    </ActionForm>
  );
}
