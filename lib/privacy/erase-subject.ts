// Right to be forgotten: destroys every data key of one subject, so the
// originals of their prompts and responses can never be decrypted again.
// The evidence rows (redacted text and ciphertext) stay, so the audit chain
// over them still verifies.
import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import { requirePermission } from "@/lib/auth/access";
import { recordAudit } from "@/lib/audit/record";
import type { Actor } from "@/lib/auth/actor-types";
import { forgetPseudonym, pseudonymize } from "@/lib/privacy/pseudonym";
import { forgetCachedKeys } from "@/lib/privacy/subject-keys";

export const eraseSubjectSchema = z.object({
  userId: z.string().trim().min(1, "Enter the user id the app sends").max(200),
  reason: z.string().trim().min(3, "Give a reason (e.g. the request's ticket)").max(500),
});

export async function eraseSubject(actor: Actor, projectId: string, input: z.input<typeof eraseSubjectSchema>) {
  const { project } = await requirePermission(actor, projectId, "project:manage");
  const { userId, reason } = eraseSubjectSchema.parse(input);
  const userRef = await pseudonymize(projectId, userId);
  const result = await db().$transaction(async (tx) => {
    // Upserted, so that a request that arrives before any data still applies to what comes later.
    const subject = await tx.subject.upsert({
      where: { projectId_userRef: { projectId, userRef } },
      create: { projectId, userRef, erasedAt: new Date() },
      update: { erasedAt: new Date() },
    });
    const shredded = await tx.subjectKey.updateMany({
      where: { subjectId: subject.id, keyEnc: { not: null } },
      data: { keyEnc: null, shreddedAt: new Date(), shredReason: "erasure" },
    });
    const interactions = await tx.interaction.count({ where: { projectId, userRef } });
    // The audit event names the pseudonym, never the raw id.
    await recordAudit(tx, {
      actor,
      action: "subject.erased",
      orgId: project.orgId,
      projectId,
      targetType: "subject",
      targetId: subject.id,
      metadata: { userRef, reason, keysShredded: shredded.count, interactions },
    });
    return { userRef, keysShredded: shredded.count, interactions };
  });
  forgetCachedKeys();
  forgetPseudonym(projectId, userId);
  return result;
}
