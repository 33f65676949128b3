// The global kill switch of a project's environment: while on, every flag there
// serves its fallback (evaluation step 3). Turning it on narrows, so reviewers
// and automation may. Turning it off widens, so it takes flag:change; in a
// protected environment it takes two people, like any widening there: the
// first call records a request on the environment, and it applies when a
// different person with flag:approve turns it off too. Asking to keep it on
// while a request waits turns the request down.
import "server-only";
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { forbidden, notFound } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import { narrowOnly, requireFlagAccess } from "@/lib/flags/flag-access";
import { environmentKillSwitchSchema, reasonWithTriageItem, type EnvironmentKillSwitchInput } from "@/lib/flags/schemas";
import { publishFlagMessages, streamActor, type KillSwitchMessage } from "@/lib/flags/change-stream";

export type KillSwitchResult = {
  environmentId: string;
  environmentKey: string;
  on: boolean;
  status: "APPLIED" | "UNCHANGED" | "PENDING_APPROVAL" | "REJECTED";
};

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
    const audit = (action: string, after: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      recordAudit(tx, {
        actor,
        action,
        orgId: access.orgId,
        projectId,
        targetType: "environment",
        targetId: env.id,
        before: { killSwitchOn: env.killSwitchOn, reason: env.killSwitchReason },
        after,
        metadata: { environmentKey: env.key, reason: data.reason, ...(data.ticketUrl ? { ticketUrl: data.ticketUrl } : {}), ...extra },
      });
    const requestedBy = env.killSwitchOffRequestedById;
    const clearRequest = { killSwitchOffRequestedById: null, killSwitchOffRequestedAt: null, killSwitchOffRequestReason: null };

    if (env.killSwitchOn === data.on) {
      if (!(data.on && requestedBy)) return { result: { ...base, status: "UNCHANGED" as const }, message: null };
      // "Keep it on" while someone asked to lift it: the request is turned down.
      if (!access.mayApprove) throw forbidden("Turning down a request to lift the kill switch takes a lead");
      await tx.environment.update({ where: { id: env.id }, data: clearRequest });
      await audit("environment.kill_switch_off_rejected", { killSwitchOn: true }, { requestedById: requestedBy });
      return { result: { ...base, status: "REJECTED" as const }, message: null };
    }
    const userId = actor.kind === "user" ? actor.userId : null;
    if (!data.on) {
      if (!access.mayWiden) throw narrowOnly(actor);
      if (env.protected && (!requestedBy || requestedBy === userId || !access.mayApprove)) {
        if (requestedBy && requestedBy !== userId) throw forbidden("Approving a request to lift the kill switch takes a lead");
        await tx.environment.update({
          where: { id: env.id },
          data: { killSwitchOffRequestedById: userId, killSwitchOffRequestedAt: new Date(), killSwitchOffRequestReason: reason },
        });
        if (!requestedBy) await audit("environment.kill_switch_off_requested", { killSwitchOn: true, requested: "off", reason });
        return { result: { ...base, status: "PENDING_APPROVAL" as const }, message: null };
      }
    }
    const at = new Date();
    await tx.environment.update({
      where: { id: env.id },
      data: { killSwitchOn: data.on, killSwitchReason: reason, killSwitchAt: at, ...clearRequest },
    });
    await audit(data.on ? "environment.kill_switch_on" : "environment.kill_switch_off", { killSwitchOn: data.on, reason }, {
      direction: data.on ? "narrowing" : "widening",
      ...(data.triageItemId ? { triageItemId: data.triageItemId } : {}),
      ...(!data.on && requestedBy ? { requestedById: requestedBy, requestReason: env.killSwitchOffRequestReason } : {}),
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
