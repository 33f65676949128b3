// Writes audit events. Callers pass their transaction so that the change and
// its audit event commit together or not at all.
import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client.ts";
import type { Tx } from "@/lib/db";
import type { Actor } from "@/lib/auth/actor-types";

export type AuditInput = {
  actor: Actor;
  action: string;
  orgId?: string | null;
  projectId?: string | null;
  targetType?: string;
  targetId?: string;
  before?: unknown;
  after?: unknown;
  metadata?: Record<string, unknown>;
};

const json = (v: unknown) =>
  v === undefined || v === null ? undefined : (JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue);

export function actorFields(actor: Actor) {
  switch (actor.kind) {
    case "user":
      return { actorType: "USER" as const, actorId: actor.userId, actorLabel: actor.email, ip: actor.ip ?? null };
    case "apiKey":
      return { actorType: "API_KEY" as const, actorId: actor.keyId, actorLabel: actor.keyName, ip: null };
    case "system":
      return { actorType: "SYSTEM" as const, actorId: null, actorLabel: actor.label, ip: null };
  }
}

export async function recordAudit(tx: Tx, input: AuditInput): Promise<void> {
  await tx.auditEvent.create({
    data: {
      ...actorFields(input.actor),
      orgId: input.orgId ?? null,
      projectId: input.projectId ?? null,
      action: input.action,
      targetType: input.targetType ?? null,
      targetId: input.targetId ?? null,
      before: json(input.before),
      after: json(input.after),
      metadata: json(input.metadata),
    },
  });
}
