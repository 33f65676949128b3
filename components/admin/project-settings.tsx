"use client";
import { useActionState, useTransition } from "react";
import { createEnvironmentAction, renameProjectAction, toggleProtectedAction } from "@/app/p/[project]/admin/actions";
import { ActionForm, Field, FormMessage, SubmitButton, inputClass } from "@/components/ui/form";
import { idleResult } from "@/lib/http/action-result";

export function RenameProjectForm({ projectId, name }: { projectId: string; name: string }) {
  const [state, action] = useActionState(renameProjectAction.bind(null, projectId), idleResult);
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-5">
      <h2 className="mb-4 text-base font-semibold">Name</h2>
      <ActionForm dispatch={action} state={state} resetOnSuccess={false} className="flex max-w-xl flex-wrap items-end gap-3">
        <div className="min-w-64 flex-1">
          <Field label="Project name" name="name" error={state.ok ? undefined : state.fieldErrors?.name}>
            <input id="name" name="name" defaultValue={name} required maxLength={100} className={inputClass} />
          </Field>
        </div>
        <SubmitButton>Rename</SubmitButton>
      </ActionForm>
      <div className="mt-3">
        <FormMessage state={state} />
      </div>
    </section>
  );
}

type Env = { id: string; key: string; name: string; protected: boolean; killSwitchOn: boolean };

export function EnvironmentsPanel({ projectId, environments }: { projectId: string; environments: Env[] }) {
  const [state, action] = useActionState(createEnvironmentAction.bind(null, projectId), idleResult);
  const [pending, startTransition] = useTransition();
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-5">
      <h2 className="mb-1 text-base font-semibold">Environments</h2>
      <p className="mb-4 text-sm text-slate-600">In a protected environment, widening a flag&apos;s exposure needs a second person&apos;s approval.</p>
      <table className="mb-6 w-full text-left text-sm">
        <thead className="text-xs uppercase text-slate-500">
          <tr>
            <th className="py-2">Key</th>
            <th>Name</th>
            <th>Protected</th>
          </tr>
        </thead>
        <tbody>
          {environments.map((env) => (
            <tr key={env.id} className="border-t border-slate-100">
              <td className="py-2 font-mono">{env.key}</td>
              <td>{env.name}</td>
              <td>
                <label className="inline-flex items-center gap-2">
                  <input
                    type="checkbox"
                    checked={env.protected}
                    disabled={pending}
                    onChange={(e) => startTransition(() => void toggleProtectedAction(projectId, env.id, e.target.checked))}
                    aria-label={`Protect ${env.key}`}
                  />
                  {env.protected ? "Yes" : "No"}
                </label>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ActionForm dispatch={action} state={state} className="grid max-w-2xl grid-cols-1 gap-3 sm:grid-cols-[1fr_1fr_auto_auto] sm:items-end">
        <Field label="Key" name="key" error={state.ok ? undefined : state.fieldErrors?.key}>
          <input id="key" name="key" placeholder="canary" required className={inputClass} />
        </Field>
        <Field label="Name" name="env-name" error={state.ok ? undefined : state.fieldErrors?.name}>
          <input id="env-name" name="name" placeholder="Canary" required className={inputClass} />
        </Field>
        <label className="flex items-center gap-2 pb-2 text-sm">
          <input type="checkbox" name="protected" /> Protected
        </label>
        <SubmitButton>Add environment</SubmitButton>
      </ActionForm>
      <div className="mt-3">
        <FormMessage state={state} />
      </div>
    </section>
  );
}
