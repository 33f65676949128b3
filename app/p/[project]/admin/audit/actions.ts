"use server";
// Server actions of the audit page: session → service (which checks the
// permission and records the verification in the audit trail).
import { revalidatePath } from "next/cache";
import { requireSessionActor } from "@/lib/auth/session";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import { runAuditVerification } from "@/lib/audit/run-audit-verification";

export type VerifyOutcome = {
  ok: boolean;
  length: number;
  lastCheckpointSeq: number | null;
  firstBroken: { eventId: string | null; seq: number | null; reason: string } | null;
};

export async function verifyAuditChainAction(
  projectId: string,
  _prev: ActionResult<VerifyOutcome>,
): Promise<ActionResult<VerifyOutcome>> {
  return runAction(async () => {
    const chain = await runAuditVerification(await requireSessionActor(), projectId);
    revalidatePath("/p", "layout");
    return {
      ok: true,
      data: {
        ok: chain.ok,
        length: chain.length,
        lastCheckpointSeq: chain.lastCheckpoint?.seq ?? null,
        firstBroken: chain.firstBroken ?? null,
      },
    };
  });
}
