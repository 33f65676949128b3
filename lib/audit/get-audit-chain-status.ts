// The state of a project's audit chain for the admin page: how far it is
// sealed and its last signed checkpoint. Read-only and cheap; verification
// (run-audit-verification.ts) is what recomputes the hashes.
import "server-only";
import { db } from "@/lib/db";
import { requirePermission } from "@/lib/auth/access";
import { chainHead, highestSealedEventId, unsealedEvents } from "@/lib/audit/chain-store";
import { publicKeyFingerprint } from "@/lib/audit/checkpoint-signature";
import { UNSEALED_GRACE_MS } from "@/lib/audit/verify-chains";
import type { Actor } from "@/lib/auth/actor-types";

export type AuditChainStatus = {
  length: number;
  sealedThrough: { eventId: string; createdAt: Date } | null;
  unsealed: number;
  /** Unsealed events older than the verification grace: the sealer is behind or down. */
  overdue: boolean;
  lastCheckpoint: { seq: number; createdAt: Date; publicKeyFingerprint: string } | null;
};

export async function getAuditChainStatus(actor: Actor, projectId: string): Promise<AuditChainStatus> {
  await requirePermission(actor, projectId, "audit:read");
  const chain = projectId;
  const head = await chainHead(db(), chain);
  const headEvent = head
    ? await db().auditEvent.findUnique({ where: { id: head.auditEventId }, select: { id: true, createdAt: true } })
    : null;
  // Counted above the sealer's watermark so the page stays cheap on long
  // histories; an event slipped in below it is for verification to find.
  const unsealed = await unsealedEvents(
    db(),
    { kind: "project", projectId },
    new Date(Date.now() - UNSEALED_GRACE_MS),
    await highestSealedEventId(db()),
  );
  const checkpoint = await db().auditCheckpoint.findFirst({
    where: { chain },
    orderBy: [{ seq: "desc" }, { createdAt: "desc" }],
    select: { seq: true, createdAt: true, publicKey: true },
  });
  return {
    length: Number(head?.seq ?? 0n),
    sealedThrough: headEvent ? { eventId: headEvent.id.toString(), createdAt: headEvent.createdAt } : null,
    unsealed: unsealed.count,
    overdue: unsealed.oldestOverdue !== null,
    lastCheckpoint: checkpoint
      ? {
          seq: Number(checkpoint.seq),
          createdAt: checkpoint.createdAt,
          publicKeyFingerprint: publicKeyFingerprint(checkpoint.publicKey),
        }
      : null,
  };
}
