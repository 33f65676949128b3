// The reviewer console's "mitigate" actions, addressed by flag key: applied in
// one environment or in every environment of the project that has the flag,
// in one transaction. Both only narrow, so reviewers and automation may take
// them and they never wait for approval.
import "server-only";
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { notFound } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import { requireFlagAccess } from "@/lib/flags/flag-access";
import { mitigationSchema, reasonWithTriageItem, type FlagConfig, type MitigationInput } from "@/lib/flags/schemas";
import { appliedConfig, lockFlags, writeChange, type ChangeResult, type LockedFlag } from "@/lib/flags/write-change";
import { publishFlagMessages, type FlagStreamMessage } from "@/lib/flags/change-stream";

export type Mitigation = {
  name: "kill" | "cut_rollout";
  /** The narrowed configuration; may throw an AppError when the flag cannot take this mitigation. */
  narrow: (config: FlagConfig, flag: LockedFlag) => FlagConfig;
};

export async function applyMitigation(actor: Actor, projectId: string, input: MitigationInput, mitigation: Mitigation): Promise<{ results: ChangeResult[] }> {
  const access = await requireFlagAccess(actor, projectId, "flag:narrow");
  const data = mitigationSchema.parse(input);
  const messages: FlagStreamMessage[] = [];
  const results = await db().$transaction(async (tx) => {
    if (data.triageItemId) {
      const item = await tx.triageItem.findFirst({ where: { id: data.triageItemId, projectId }, select: { id: true } });
      if (!item) throw notFound("Triage item not found");
    }
    if (data.environmentId) {
      const env = await tx.environment.findFirst({ where: { id: data.environmentId, projectId }, select: { id: true } });
      if (!env) throw notFound("Environment not found");
    }
    const flags = await lockFlags(tx, projectId, { key: data.flagKey, environmentId: data.environmentId });
    if (flags.length === 0) throw notFound("Flag not found");
    const out: ChangeResult[] = [];
    for (const flag of flags) {
      const after = mitigation.narrow(await appliedConfig(tx, flag), flag);
      const { result, message } = await writeChange(tx, { actor, access, projectId }, flag, after, {
        reason: reasonWithTriageItem(data.reason, data.triageItemId),
        ticketUrl: data.ticketUrl,
        auditMetadata: { mitigation: mitigation.name, ...(data.triageItemId ? { triageItemId: data.triageItemId } : {}) },
      });
      if (message) messages.push(message);
      out.push(result);
    }
    // The item's own history shows what was done about it.
    if (data.triageItemId) {
      await recordAudit(tx, {
        actor,
        action: "triage.mitigated",
        orgId: access.orgId,
        projectId,
        targetType: "triage_item",
        targetId: data.triageItemId,
        after: { mitigation: mitigation.name, flagKey: data.flagKey, versions: out.map((r) => ({ environmentId: r.environmentId, version: r.version, status: r.status, exposureBps: r.exposureBps })) },
        metadata: { reason: data.reason },
      });
    }
    return out;
  });
  await publishFlagMessages(messages);
  return { results };
}
