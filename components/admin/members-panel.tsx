"use client";
import { useActionState, useState, useTransition } from "react";
import { addMemberAction, changeRoleAction, removeMemberAction } from "@/app/p/[project]/admin/actions";
import { ActionForm, Field, FormMessage, SubmitButton, inputClass } from "@/components/ui/form";
import { idleResult, type ActionResult } from "@/lib/http/action-result";
import { roles } from "@/lib/auth/permissions";

type Member = { id: string; role: string; email: string; name: string; userId: string; lastSignInAt: string | null };

export function MembersPanel({ projectId, members, currentUserId }: { projectId: string; members: Member[]; currentUserId: string }) {
  const [state, action] = useActionState(addMemberAction.bind(null, projectId), idleResult as ActionResult<{ temporaryPassword: string | null; email: string }>);
  const [rowResult, setRowResult] = useState<ActionResult | null>(null);
  const [pending, startTransition] = useTransition();
  const run = (fn: () => Promise<ActionResult>) => startTransition(async () => setRowResult(await fn()));

  return (
    <div className="space-y-6">
      <section className="rounded-lg border border-slate-200 bg-white p-5">
        <h2 className="mb-4 text-base font-semibold">Add a member</h2>
        <ActionForm dispatch={action} state={state} className="grid max-w-2xl grid-cols-1 gap-3 sm:grid-cols-[2fr_1fr_auto] sm:items-end">
          <Field label="Email" name="member-email" error={state.ok ? undefined : state.fieldErrors?.email}>
            <input id="member-email" name="email" type="email" required className={inputClass} />
          </Field>
          <Field label="Role" name="member-role">
            <select id="member-role" name="role" defaultValue="REVIEWER" className={inputClass}>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {r.toLowerCase()}
                </option>
              ))}
            </select>
          </Field>
          <SubmitButton>Add member</SubmitButton>
        </ActionForm>
        <div className="mt-3 space-y-2">
          <FormMessage state={state} />
          {state.ok && state.data?.temporaryPassword ? (
            <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
              New account created. Temporary password for {state.data.email} (shown once):{" "}
              <code className="font-mono font-semibold">{state.data.temporaryPassword}</code>
            </p>
          ) : null}
        </div>
      </section>

      <section className="rounded-lg border border-slate-200 bg-white p-5">
        <h2 className="mb-4 text-base font-semibold">Members ({members.length})</h2>
        {rowResult ? (
          <div className="mb-3">
            <FormMessage state={rowResult} />
          </div>
        ) : null}
        <table className="w-full text-left text-sm">
          <thead className="text-xs uppercase text-slate-500">
            <tr>
              <th className="py-2">Member</th>
              <th>Role</th>
              <th>Last sign-in</th>
              <th className="sr-only">Actions</th>
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.id} className="border-t border-slate-100">
                <td className="py-2">
                  <div className="font-medium">{m.name}</div>
                  <div className="text-slate-500">{m.email}</div>
                </td>
                <td>
                  <label className="sr-only" htmlFor={`role-${m.id}`}>
                    Role of {m.email}
                  </label>
                  <select
                    id={`role-${m.id}`}
                    value={m.role}
                    disabled={pending}
                    onChange={(e) => run(() => changeRoleAction(projectId, m.id, e.target.value))}
                    className="rounded-md border border-slate-300 py-1 pr-7 pl-2 text-sm"
                  >
                    {roles.map((r) => (
                      <option key={r} value={r}>
                        {r.toLowerCase()}
                      </option>
                    ))}
                  </select>
                </td>
                <td className="text-slate-600">{m.lastSignInAt ? new Date(m.lastSignInAt).toLocaleString() : "never"}</td>
                <td className="text-right">
                  <button
                    type="button"
                    disabled={pending}
                    onClick={() => {
                      const self = m.userId === currentUserId ? " You will lose access to this project." : "";
                      if (confirm(`Remove ${m.email} from this project?${self}`)) run(() => removeMemberAction(projectId, m.id));
                    }}
                    className="rounded-md px-2 py-1 text-red-700 hover:bg-red-50"
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
