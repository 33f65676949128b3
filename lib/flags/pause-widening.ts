// Pausing a flag's widening: while paused, every change that could expose
// more people is refused (write-change.ts, approve-flag-version.ts), whoever
// makes it; narrowing and neutral changes go through. A rollback rule's PAUSE
// action sets it (latency or errors are off: hold the rollout where it is
// until someone has looked); lifting it widens what may happen next, so it
// takes flag:change.
import "server-only";
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { notFound } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import { requireFlagAccess, requireUuid } from "@/lib/flags/flag-access";
import { flagWideningPauseSchema, type FlagWideningPauseInput } from "@/lib/flags/schemas";
import { lockFlags } from "@/lib/flags/write-change";

export type PauseResult = { flagId: string; flagKey: string; environmentId: string; paused: boolean; status: "APPLIED" | "UNCHANGED"; at: Date };

export function pauseFlagWidening(actor: Actor, projectId: string, input: FlagWideningPauseInput): Promise<PauseResult> {
  return setPause(actor, projectId, input, true);
}

export function resumeFlagWidening(actor: Actor, projectId: string, input: FlagWideningPauseInput): Promise<PauseResult> {
  return setPause(actor, projectId, input, false);
}

async function setPause(actor: Actor, projectId: string, input: FlagWideningPauseInput, pause: boolean): Promise<PauseResult> {
  const access = await requireFlagAccess(actor, projectId, pause ? "flag:narrow" : "flag:change");
  const data = flagWideningPauseSchema.parse(input);
  requireUuid(data.flagId, "Flag");
  return db().$transaction(async (tx) => {
    const [locked] = await lockFlags(tx, projectId, { id: data.flagId });
    if (!locked) throw notFound("Flag not found");
    const base = { flagId: locked.id, flagKey: locked.key, environmentId: locked.environmentId, paused: pause };
    if ((locked.widenPausedAt !== null) === pause) return { ...base, status: "UNCHANGED" as const, at: locked.widenPausedAt ?? new Date() };
    const at = new Date();
    await tx.flag.update({ where: { id: locked.id }, data: pause ? { widenPausedAt: at, widenPausedReason: data.reason } : { widenPausedAt: null, widenPausedReason: null } });
    await recordAudit(tx, {
      actor,
      action: pause ? "flag.widening_paused" : "flag.widening_resumed",
      orgId: access.orgId,
      projectId,
      targetType: "flag",
      targetId: locked.id,
      before: { widenPausedAt: locked.widenPausedAt, reason: locked.widenPausedReason },
      after: pause ? { widenPausedAt: at, reason: data.reason } : { widenPausedAt: null },
      metadata: { flagKey: locked.key, environmentId: locked.environmentId, environmentKey: locked.environment.key, reason: data.reason },
    });
    return { ...base, status: "APPLIED" as const, at };
  });
}
