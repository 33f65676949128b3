// Sets or removes a flag's cost circuit breaker: a ceiling on the LLM cost
// one user may run up per hour through the flag (lib/flags/delivery/cost-breaker.ts).
// Not part of the versioned configuration (it limits spend, not who is
// exposed), but audited like a change, and published so every process's
// evaluation snapshot picks it up at once.
import "server-only";
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { notFound } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import { requireFlagAccess, requireUuid } from "@/lib/flags/flag-access";
import { flagCostCeilingSchema, type FlagCostCeilingInput } from "@/lib/flags/schemas";
import { lockFlags } from "@/lib/flags/write-change";
import { publishFlagMessages, streamActor } from "@/lib/flags/change-stream";

export type CostCeilingResult = { flagId: string; costCeilingMicros: bigint | null; status: "APPLIED" | "UNCHANGED" };

export async function setFlagCostCeiling(actor: Actor, projectId: string, input: FlagCostCeilingInput): Promise<CostCeilingResult> {
  const access = await requireFlagAccess(actor, projectId, "flag:change");
  const data = flagCostCeilingSchema.parse(input);
  requireUuid(data.flagId, "Flag");
  const micros = data.usdPerUserHour === null ? null : BigInt(Math.round(data.usdPerUserHour * 1_000_000));
  const result = await db().$transaction(async (tx) => {
    const [locked] = await lockFlags(tx, projectId, { id: data.flagId });
    if (!locked) throw notFound("Flag not found");
    const before = (await tx.flag.findUniqueOrThrow({ where: { id: locked.id }, select: { costCeilingMicros: true } })).costCeilingMicros;
    if (before === micros) return { flagId: locked.id, costCeilingMicros: micros, status: "UNCHANGED" as const, locked };
    await tx.flag.update({ where: { id: locked.id }, data: { costCeilingMicros: micros } });
    await recordAudit(tx, {
      actor,
      action: "flag.cost_ceiling_set",
      orgId: access.orgId,
      projectId,
      targetType: "flag",
      targetId: locked.id,
      before: { costCeilingMicros: before?.toString() ?? null },
      after: { costCeilingMicros: micros?.toString() ?? null },
      metadata: { flagKey: locked.key, environmentId: locked.environmentId, environmentKey: locked.environment.key, reason: data.reason },
    });
    return { flagId: locked.id, costCeilingMicros: micros, status: "APPLIED" as const, locked };
  });
  if (result.status === "APPLIED") {
    await publishFlagMessages([
      {
        v: 1,
        type: "flag.settings_changed",
        projectId,
        environmentId: result.locked.environmentId,
        flagId: result.locked.id,
        flagKey: result.locked.key,
        actor: streamActor(actor),
        at: new Date().toISOString(),
      },
    ]);
  }
  return { flagId: result.flagId, costCeilingMicros: result.costCeilingMicros, status: result.status };
}
