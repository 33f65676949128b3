"use client";
import { useActionState, useState, useTransition } from "react";
import { createApiKeyAction, revokeApiKeyAction } from "@/app/p/[project]/admin/actions";
import { ActionForm, Field, FormMessage, SubmitButton, inputClass } from "@/components/ui/form";
import { EmptyState } from "@/components/ui/empty-state";
import { idleResult, type ActionResult } from "@/lib/http/action-result";

type Key = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  environment: string | null;
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

const fmt = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "never");

export function ApiKeysPanel({
  projectId,
  keys,
  scopes,
  environments,
}: {
  projectId: string;
  keys: Key[];
  scopes: string[];
  environments: { id: string; key: string }[];
}) {
  const [state, action] = useActionState(createApiKeyAction.bind(null, projectId), idleResult as ActionResult<{ key: string; name: string }>);
  const [rowResult, setRowResult] = useState<ActionResult | null>(null);
  const [copied, setCopied] = useState(false);
  const [pending, startTransition] = useTransition();

  return (
    <div className="space-y-6">
      <section className="rounded-lg border border-slate-200 bg-white p-5">
        <h2 className="mb-4 text-base font-semibold">Create a key</h2>
        <ActionForm dispatch={action} state={state} className="max-w-2xl space-y-4">
          <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
            <Field label="Name" name="key-name" error={state.ok ? undefined : state.fieldErrors?.name}>
              <input id="key-name" name="name" required maxLength={100} placeholder="support-app production" className={inputClass} />
            </Field>
            <Field label="Environment" name="key-env" hint="Flag evaluation uses this environment.">
              <select id="key-env" name="environmentId" className={inputClass} defaultValue="">
                <option value="">Any (events only)</option>
                {environments.map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.key}
                  </option>
                ))}
              </select>
            </Field>
          </div>
          <fieldset>
            <legend className="text-sm font-medium text-slate-700">Scopes</legend>
            <div className="mt-2 flex flex-wrap gap-4">
              {scopes.map((s) => (
                <label key={s} className="inline-flex items-center gap-2 text-sm">
                  <input type="checkbox" name="scopes" value={s} defaultChecked={s === "events:write"} /> <code>{s}</code>
                </label>
              ))}
            </div>
            {!state.ok && state.fieldErrors?.scopes ? <p className="mt-1 text-xs text-red-700">{state.fieldErrors.scopes}</p> : null}
          </fieldset>
          <SubmitButton>Create key</SubmitButton>
        </ActionForm>
        <div className="mt-4 space-y-2">
          {!state.ok ? <FormMessage state={state} /> : null}
          {state.ok && state.data ? (
            <div role="status" className="rounded-md border border-amber-300 bg-amber-50 p-4 text-sm">
              <p className="font-medium text-amber-900">Copy the key for “{state.data.name}” now. It will not be shown again.</p>
              <div className="mt-2 flex items-center gap-2">
                <code data-testid="new-api-key" className="block flex-1 overflow-x-auto rounded bg-white px-2 py-1 font-mono text-xs">
                  {state.data.key}
                </code>
                <button
                  type="button"
                  onClick={() => {
                    void navigator.clipboard?.writeText(state.data!.key);
                    setCopied(true);
                  }}
                  className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs"
                >
                  {copied ? "Copied" : "Copy"}
                </button>
              </div>
            </div>
          ) : null}
        </div>
      </section>

      <section className="rounded-lg border border-slate-200 bg-white p-5">
        <h2 className="mb-4 text-base font-semibold">Keys</h2>
        {rowResult ? (
          <div className="mb-3">
            <FormMessage state={rowResult} />
          </div>
        ) : null}
        {keys.length === 0 ? (
          <EmptyState title="No API keys yet">Create one above for each client app.</EmptyState>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                <th className="py-2">Name</th>
                <th>Key</th>
                <th>Scopes</th>
                <th>Last used</th>
                <th>Status</th>
                <th className="sr-only">Actions</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id} className="border-t border-slate-100 align-top" data-testid={`api-key-row-${k.name}`}>
                  <td className="py-2">
                    <div className="font-medium">{k.name}</div>
                    <div className="text-xs text-slate-500">
                      {k.environment ? `${k.environment} · ` : ""}created {fmt(k.createdAt)}
                      {k.createdBy ? ` by ${k.createdBy}` : ""}
                    </div>
                  </td>
                  <td className="font-mono text-xs">rmp_{k.prefix}_…</td>
                  <td className="text-xs">{k.scopes.join(", ")}</td>
                  <td className="text-slate-600">{fmt(k.lastUsedAt)}</td>
                  <td>{k.revokedAt ? <span className="text-red-700">Revoked</span> : <span className="text-green-700">Active</span>}</td>
                  <td className="text-right">
                    {k.revokedAt ? null : (
                      <button
                        type="button"
                        disabled={pending}
                        onClick={() => {
                          if (confirm(`Revoke “${k.name}”? Apps using it will get 401 at once.`)) {
                            startTransition(async () => setRowResult(await revokeApiKeyAction(projectId, k.id)));
                          }
                        }}
                        className="rounded-md px-2 py-1 text-red-700 hover:bg-red-50"
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
