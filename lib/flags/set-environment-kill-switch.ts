// The global kill switch of a project's environment: while on, every flag there
// serves its fallback (evaluation step 3). Turning it on narrows, so reviewers
// and automation may; turning it off widens, so it takes flag:change, and in
// a protected environment flag:approve as well — there is no pending state
// for an environment to hold a two-person request (see lib/flags/README.md).
import "server-only";
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { forbidden, notFound } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import { narrowOnly, requireFlagAccess } from "@/lib/flags/flag-access";
import { environmentKillSwitchSchema, reasonWithTriageItem, type EnvironmentKillSwitchInput } from "@/lib/flags/schemas";
import { publishFlagMessages, streamActor, type KillSwitchMessage } from "@/lib/flags/change-stream";

export type KillSwitchResult = { environmentId: string; environmentKey: string; on: boolean; status: "APPLIED" | "UNCHANGED" };

export async function setEnvironmentKillSwitch(actor: Actor, projectId: string, input: EnvironmentKillSwitchInput): Promise<KillSwitchResult> {
  const access = await requireFlagAccess(actor, projectId, "flag:narrow");
  const data = environmentKillSwitchSchema.parse(input);
  const reason = reasonWithTriageItem(data.reason, data.triageItemId);
  const { result, message } = await db().$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM "Environment" WHERE id = ${data.environmentId}::uuid AND "projectId" = ${projectId}::uuid FOR UPDATE`;
    if (locked.length === 0) throw notFound("Environment not found");
    if (data.triageItemId) {
      const item = await tx.triageItem.findFirst({ where: { id: data.triageItemId, projectId }, select: { id: true } });
      if (!item) throw notFound("Triage item not found");
    }
    const env = await tx.environment.findUniqueOrThrow({ where: { id: data.environmentId } });
    const base = { environmentId: env.id, environmentKey: env.key, on: data.on };
    if (env.killSwitchOn === data.on) return { result: { ...base, status: "UNCHANGED" as const }, message: null };
    if (!data.on) {
      if (!access.mayWiden) throw narrowOnly(actor);
      if (env.protected && !access.mayApprove) throw forbidden("Lifting the kill switch of a protected environment takes a lead");
    }
    const at = new Date();
    await tx.environment.update({
      where: { id: env.id },
      data: { killSwitchOn: data.on, killSwitchReason: reason, killSwitchAt: at },
    });
    await recordAudit(tx, {
      actor,
      action: data.on ? "environment.kill_switch_on" : "environment.kill_switch_off",
      orgId: access.orgId,
      projectId,
      targetType: "environment",
      targetId: env.id,
      before: { killSwitchOn: env.killSwitchOn, reason: env.killSwitchReason },
      after: { killSwitchOn: data.on, reason },
      metadata: {
        environmentKey: env.key,
        direction: data.on ? "narrowing" : "widening",
        reason: data.reason,
        ...(data.ticketUrl ? { ticketUrl: data.ticketUrl } : {}),
        ...(data.triageItemId ? { triageItemId: data.triageItemId } : {}),
      },
    });
    const message: KillSwitchMessage = {
      v: 1,
      type: "environment.kill_switch",
      projectId,
      environmentId: env.id,
      environmentKey: env.key,
      actor: streamActor(actor),
      at: at.toISOString(),
      on: data.on,
      reason,
    };
    return { result: { ...base, status: "APPLIED" as const }, message };
  });
  await publishFlagMessages(message ? [message] : []);
  return result;
}
