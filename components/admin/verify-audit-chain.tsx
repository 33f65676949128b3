"use client";
// "Verify now": recomputes the project's audit chain on the server and shows
// whether it holds or where it first breaks.
import { useActionState } from "react";
import { verifyAuditChainAction, type VerifyOutcome } from "@/app/p/[project]/admin/audit/actions";
import { ActionForm, FormMessage, SubmitButton } from "@/components/ui/form";
import { idleResult, type ActionResult } from "@/lib/http/action-result";

export function VerifyAuditChain({ projectId }: { projectId: string }) {
  const [state, action] = useActionState(
    verifyAuditChainAction.bind(null, projectId),
    idleResult as ActionResult<VerifyOutcome>,
  );
  const outcome = state.ok ? state.data : undefined;
  return (
    <div className="space-y-3">
      <ActionForm dispatch={() => action()} state={state} resetOnSuccess={false}>
        <SubmitButton variant="secondary">Verify now</SubmitButton>
      </ActionForm>
      <FormMessage state={state} />
      {outcome?.ok ? (
        <p role="status" className="rounded-md bg-green-50 px-3 py-2 text-sm text-green-800">
          Verified: {outcome.length} link{outcome.length === 1 ? "" : "s"} recomputed
          {outcome.lastCheckpointSeq !== null ? `, signed checkpoint at seq ${outcome.lastCheckpointSeq} matches` : ""}.
        </p>
      ) : null}
      {outcome && !outcome.ok && outcome.firstBroken ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          Chain broken
          {outcome.firstBroken.seq !== null ? ` at seq ${outcome.firstBroken.seq}` : ""}
          {outcome.firstBroken.eventId !== null ? ` (event #${outcome.firstBroken.eventId})` : ""}:{" "}
          {outcome.firstBroken.reason}
        </p>
      ) : null}
    </div>
  );
}
