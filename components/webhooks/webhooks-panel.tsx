"use client";
// The webhooks tab: add an endpoint (its signing secret shown once), and per
// endpoint its settings, an edit form, delete, and its recent deliveries.
import { useActionState, useEffect, useId, useRef, useState, useTransition } from "react";
import {
  createWebhookEndpointAction,
  deleteWebhookEndpointAction,
  updateWebhookEndpointAction,
  type ShownSecret,
} from "@/app/p/[project]/admin/webhooks/actions";
import { ActionForm, FormMessage, SubmitButton } from "@/components/ui/form";
import { EmptyState } from "@/components/ui/empty-state";
import { badgeClass, buttonStyle } from "@/components/flags/format";
import { formatTime } from "@/components/incidents/format";
import { EndpointFields, type EndpointValues } from "@/components/webhooks/endpoint-fields";
import { DeliveryTable } from "@/components/webhooks/delivery-table";
import { styleName, type DeliveryRow } from "@/components/webhooks/format";
import { idleResult, type ActionResult } from "@/lib/http/action-result";

export type EndpointRow = EndpointValues & {
  id: string;
  createdAt: string;
  counts: { PENDING: number; FAILED: number; DEAD: number };
  recent: DeliveryRow[];
};

const newEndpoint: EndpointValues = { name: "", url: "", style: "GENERIC", events: [], enabled: true };

export function WebhooksPanel({ projectId, endpoints }: { projectId: string; endpoints: EndpointRow[] }) {
  const [rowResult, setRowResult] = useState<ActionResult | null>(null);
  const root = useRef<HTMLDivElement>(null);
  // Marks when the forms respond (tests wait for it): a form sent before hydration would be a plain GET.
  useEffect(() => root.current?.setAttribute("data-hydrated", ""), []);
  return (
    <div ref={root} className="space-y-6" data-testid="webhooks-panel">
      <CreateEndpoint projectId={projectId} />
      <section aria-labelledby="endpoints-heading" className="rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="endpoints-heading" className="mb-4 text-base font-semibold">
          Endpoints
        </h2>
        {rowResult ? (
          <div className="mb-3">
            <FormMessage state={rowResult} />
          </div>
        ) : null}
        {endpoints.length === 0 ? (
          <EmptyState title="No webhook endpoints yet">
            Add one above to tell Slack, PagerDuty or your own service when an incident opens, changes or resolves, when
            a rule would have acted in a dry run, and when a triage SLA is at risk.
          </EmptyState>
        ) : (
          <ul className="space-y-4">
            {endpoints.map((e) => (
              <EndpointItem key={e.id} projectId={projectId} endpoint={e} onResult={setRowResult} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function SecretOnce({ shown }: { shown: ShownSecret }) {
  const [copied, setCopied] = useState(false);
  return (
    <div role="status" className="rounded-md border border-amber-300 bg-amber-50 p-4 text-sm">
      <p className="font-medium text-amber-900">
        Copy the signing secret of “{shown.endpointName}” now. It will not be shown again.
      </p>
      <p className="mt-1 text-amber-900">
        Receivers check X-Rampart-Signature with it: v1= hex HMAC-SHA256(secret, timestamp + “.” + raw body).
      </p>
      <div className="mt-2 flex items-center gap-2">
        <code
          data-testid="new-webhook-secret"
          className="block flex-1 overflow-x-auto rounded bg-white px-2 py-1 font-mono text-xs"
        >
          {shown.secret}
        </code>
        <button
          type="button"
          onClick={() => {
            void navigator.clipboard?.writeText(shown.secret);
            setCopied(true);
          }}
          className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs"
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
    </div>
  );
}

function CreateEndpoint({ projectId }: { projectId: string }) {
  const [generation, setGeneration] = useState(0);
  const [state, dispatch] = useActionState(async (prev: ActionResult<ShownSecret>, form: FormData) => {
    const r = await createWebhookEndpointAction(projectId, prev, form);
    if (r.ok) setGeneration((g) => g + 1);
    return r;
  }, idleResult as ActionResult<ShownSecret>);
  const errors = state.ok ? {} : (state.fieldErrors ?? {});
  const created = state.ok ? state.data : undefined;
  return (
    <section aria-labelledby="add-endpoint-heading" className="rounded-lg border border-slate-200 bg-white p-5">
      <h2 id="add-endpoint-heading" className="mb-4 text-base font-semibold">
        Add an endpoint
      </h2>
      <ActionForm dispatch={dispatch} state={state} resetOnSuccess={false} className="max-w-4xl space-y-4">
        {/* A fresh form after each success: defaults again, and nothing of the last secret left in a field. */}
        <EndpointFields key={generation} idPrefix="new-endpoint" values={newEndpoint} errors={errors} editing={false} />
        <div className="flex flex-wrap items-center gap-3">
          <SubmitButton>Add endpoint</SubmitButton>
          {!state.ok ? <FormMessage state={state} /> : null}
        </div>
      </ActionForm>
      <div className="mt-4 space-y-2">
        {created ? <SecretOnce shown={created} /> : state.ok && state.message ? <FormMessage state={state} /> : null}
      </div>
    </section>
  );
}

function EndpointItem({
  projectId,
  endpoint: e,
  onResult,
}: {
  projectId: string;
  endpoint: EndpointRow;
  onResult: (r: ActionResult) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [pending, startTransition] = useTransition();
  const headingId = useId();
  return (
    <li
      className="rounded-md border border-slate-200 p-4"
      aria-labelledby={headingId}
      data-testid="webhook-endpoint"
      data-name={e.name}
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h3 id={headingId} className="font-medium break-words">
            {e.name}
          </h3>
          <p className="font-mono text-xs break-all text-slate-700" data-testid="webhook-url">
            {e.url}
          </p>
          <div className="mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-600">
            <span className={`${badgeClass} bg-white text-slate-700 ring-slate-300`}>{styleName[e.style]}</span>
            <span
              className={`${badgeClass} ${e.enabled ? "bg-green-50 text-green-800 ring-green-600/30" : "bg-slate-100 text-slate-700 ring-slate-400/30"}`}
            >
              {e.enabled ? "Enabled" : "Disabled"}
            </span>
            <span>{e.events.length === 0 ? "every event" : e.events.join(", ")}</span>
            <span>· added {formatTime(e.createdAt)}</span>
          </div>
          <p className="mt-1 text-xs text-slate-600" data-testid="webhook-counts">
            {e.counts.PENDING} pending · {e.counts.FAILED} failing · {e.counts.DEAD} dead
          </p>
        </div>
        <div className="flex gap-2">
          <button
            type="button"
            className={buttonStyle.secondary}
            aria-expanded={editing}
            onClick={() => setEditing(!editing)}
          >
            {editing ? "Close" : "Edit"}
          </button>
          <button
            type="button"
            disabled={pending}
            className={buttonStyle.dangerOutline}
            onClick={() => {
              if (
                confirm(
                  `Delete “${e.name}”? It stops receiving events at once, and its deliveries are removed; the audit log keeps that it existed.`,
                )
              ) {
                startTransition(async () => onResult(await deleteWebhookEndpointAction(projectId, e.id)));
              }
            }}
          >
            Delete
          </button>
        </div>
      </div>
      {editing ? (
        <EditEndpoint projectId={projectId} endpoint={e} onSaved={() => setEditing(false)} onResult={onResult} />
      ) : null}
      <details className="mt-3">
        <summary className="cursor-pointer text-sm font-medium text-brand-700">
          Recent deliveries ({e.recent.length})
        </summary>
        <div className="mt-2">
          {e.recent.length === 0 ? (
            <p className="text-sm text-slate-600">Nothing sent yet.</p>
          ) : (
            <DeliveryTable rows={e.recent} caption={`Recent deliveries to ${e.name}`} />
          )}
        </div>
      </details>
    </li>
  );
}

function EditEndpoint({
  projectId,
  endpoint,
  onSaved,
  onResult,
}: {
  projectId: string;
  endpoint: EndpointRow;
  onSaved: () => void;
  onResult: (r: ActionResult) => void;
}) {
  const [state, dispatch] = useActionState(async (prev: ActionResult<ShownSecret>, form: FormData) => {
    const r = await updateWebhookEndpointAction(projectId, endpoint.id, prev, form);
    // A generated secret stays on screen (in the form's place) until closed; otherwise say so above and close.
    if (r.ok && !r.data) {
      onResult({ ok: true, message: r.message });
      onSaved();
    }
    return r;
  }, idleResult as ActionResult<ShownSecret>);
  const errors = state.ok ? {} : (state.fieldErrors ?? {});
  if (state.ok && state.data) {
    return (
      <div className="mt-3 space-y-2">
        <FormMessage state={{ ok: true, message: state.message }} />
        <SecretOnce shown={state.data} />
        <button type="button" className={buttonStyle.secondary} onClick={onSaved}>
          Done
        </button>
      </div>
    );
  }
  return (
    <ActionForm
      dispatch={dispatch}
      state={state}
      resetOnSuccess={false}
      className="mt-4 space-y-4 border-t border-slate-100 pt-4"
    >
      <EndpointFields idPrefix={`edit-${endpoint.id}`} values={endpoint} errors={errors} editing />
      <div className="flex flex-wrap items-center gap-3">
        <SubmitButton>Save changes</SubmitButton>
        {!state.ok ? <FormMessage state={state} /> : null}
      </div>
    </ActionForm>
  );
}
