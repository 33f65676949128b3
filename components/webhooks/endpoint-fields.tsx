"use client";
// The fields of a webhook endpoint, shared by "Add an endpoint" and "Edit":
// name, URL, payload style, the events it hears (none ticked = all), enabled,
// and its secret or PagerDuty routing key.
import { useState } from "react";
import { Field, inputClass } from "@/components/ui/form";
import { styleHint, styleName } from "@/components/webhooks/format";
import { webhookEventTypes } from "@/lib/webhooks/events";
import { webhookStyles, type WebhookStyleName } from "@/lib/webhooks/schemas";

export type EndpointValues = { name: string; url: string; style: WebhookStyleName; events: string[]; enabled: boolean };

export function EndpointFields({
  idPrefix,
  values,
  errors,
  editing,
}: {
  /** Keeps ids unique when several forms are on the page. */
  idPrefix: string;
  values: EndpointValues;
  errors: Record<string, string>;
  /** Editing offers to keep, generate or set the secret; creating generates one unless given. */
  editing: boolean;
}) {
  const [style, setStyle] = useState<WebhookStyleName>(values.style);
  const [secretChoice, setSecretChoice] = useState<"keep" | "rotate" | "given">("keep");
  const id = (name: string) => `${idPrefix}-${name}`;
  const described = (name: string, field: string) => ({
    "aria-invalid": !!errors[field],
    "aria-describedby": errors[field] ? `${id(name)}-error` : undefined,
  });
  const eventsError = Object.entries(errors).find(
    ([k]) => k === "events" || k.startsWith("events.") || k.startsWith("changes.events"),
  )?.[1];
  const err = (field: string) => errors[field] ?? errors[`changes.${field}`];
  const pagerDuty = style === "PAGERDUTY";
  // Switching to PagerDuty needs the routing key; a generated secret would be useless there.
  const mustGiveSecret = editing && pagerDuty && values.style !== "PAGERDUTY";
  const changeStyle = (next: WebhookStyleName) => {
    setStyle(next);
    setSecretChoice(next === "PAGERDUTY" && values.style !== "PAGERDUTY" ? "given" : "keep");
  };
  const showSecretInput = editing ? secretChoice === "given" : true;

  return (
    <div className="space-y-4">
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <Field label="Name" name={id("name")} error={err("name")}>
          <input
            id={id("name")}
            name="name"
            required
            maxLength={200}
            defaultValue={values.name}
            autoComplete="off"
            className={inputClass}
            {...described("name", "name")}
          />
        </Field>
        <Field label="URL" name={id("url")} error={err("url")} hint="http(s) address that receives a POST per event">
          <input
            id={id("url")}
            name="url"
            type="url"
            required
            maxLength={2000}
            defaultValue={values.url}
            placeholder="https://hooks.example.com/rampart"
            spellCheck={false}
            autoComplete="off"
            className={`${inputClass} font-mono`}
            {...described("url", "url")}
          />
        </Field>
        <Field label="Payload style" name={id("style")} error={err("style")} hint={styleHint[style]}>
          <select
            id={id("style")}
            name="style"
            value={style}
            onChange={(e) => changeStyle(e.target.value as WebhookStyleName)}
            className={inputClass}
            {...described("style", "style")}
          >
            {webhookStyles.map((s) => (
              <option key={s} value={s}>
                {styleName[s]}
              </option>
            ))}
          </select>
        </Field>
        <label className="inline-flex items-center gap-2 self-end pb-2 text-sm">
          <input type="checkbox" name="enabled" defaultChecked={values.enabled} /> Enabled
        </label>
      </div>

      <fieldset>
        <legend className="text-sm font-medium text-slate-700">Events</legend>
        <p className="text-xs text-slate-500">Tick none to receive every event.</p>
        <div className="mt-2 grid grid-cols-1 gap-1 sm:grid-cols-2 lg:grid-cols-4">
          {webhookEventTypes.map((e) => (
            <label key={e} className="inline-flex items-center gap-2 text-sm">
              <input type="checkbox" name="events" value={e} defaultChecked={values.events.includes(e)} />{" "}
              <code className="text-xs">{e}</code>
            </label>
          ))}
        </div>
        {eventsError ? <p className="mt-1 text-xs text-red-700">{eventsError}</p> : null}
      </fieldset>

      {editing ? (
        <fieldset>
          <legend className="text-sm font-medium text-slate-700">{pagerDuty ? "Routing key" : "Signing secret"}</legend>
          <div className="mt-2 flex flex-wrap gap-4 text-sm">
            {mustGiveSecret ? null : (
              <label className="inline-flex items-center gap-2">
                <input
                  type="radio"
                  name="secretChoice"
                  value="keep"
                  checked={secretChoice === "keep"}
                  onChange={() => setSecretChoice("keep")}
                />{" "}
                Keep the current one
              </label>
            )}
            {pagerDuty ? null : (
              <label className="inline-flex items-center gap-2">
                <input
                  type="radio"
                  name="secretChoice"
                  value="rotate"
                  checked={secretChoice === "rotate"}
                  onChange={() => setSecretChoice("rotate")}
                />{" "}
                Generate a new secret (shown once)
              </label>
            )}
            <label className="inline-flex items-center gap-2">
              <input
                type="radio"
                name="secretChoice"
                value="given"
                checked={secretChoice === "given"}
                onChange={() => setSecretChoice("given")}
              />{" "}
              Set one myself
            </label>
          </div>
        </fieldset>
      ) : null}
      {showSecretInput ? (
        <Field
          label={pagerDuty ? "PagerDuty routing key" : editing ? "New secret" : "Signing secret (optional)"}
          name={id("secret")}
          error={err("secret") ?? errors.secret}
          hint={
            pagerDuty
              ? "The integration key of a PagerDuty Events API v2 service"
              : editing
                ? "At least 16 characters"
                : "Leave empty and Rampart generates one, shown once"
          }
        >
          <input
            id={id("secret")}
            name="secret"
            type="password"
            required={pagerDuty || editing}
            minLength={16}
            maxLength={200}
            autoComplete="new-password"
            spellCheck={false}
            className={`${inputClass} font-mono`}
            {...described("secret", "secret")}
          />
        </Field>
      ) : null}
    </div>
  );
}
