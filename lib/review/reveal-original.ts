// "Reveal original": decrypts the personal data that ingest redacted from one
// item's interaction, for a person with pii:reveal who gives a reason. Every
// reveal is an audit event on the item (who, why, which kinds of data); an
// attempt on data that was erased is recorded too, as nothing was shown.
import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { requirePermission } from "@/lib/auth/access";
import { recordAudit } from "@/lib/audit/record";
import type { Actor } from "@/lib/auth/actor-types";
import { decryptOriginal } from "@/lib/privacy/subject-keys";
import { promptMessages, type ChatMessage } from "@/lib/review/get-item";

export const revealOriginalSchema = z.object({
  itemId: z.uuid(),
  reason: z.string().trim().min(5, "Say why you need to see it (at least 5 characters)").max(500, "Keep the reason under 500 characters"),
});

export type RevealedOriginal = { status: "revealed"; messages: ChatMessage[]; response: string } | { status: "erased" };

const originalSchema = z.object({ prompt: z.unknown(), response: z.string() });

export async function revealOriginal(actor: Actor, projectId: string, input: z.input<typeof revealOriginalSchema>): Promise<RevealedOriginal> {
  const { project } = await requirePermission(actor, projectId, "pii:reveal");
  const { itemId, reason } = revealOriginalSchema.parse(input);
  const prisma = db();
  const item = await prisma.triageItem.findFirst({ where: { id: itemId, projectId }, select: { id: true, requestId: true } });
  if (!item) throw notFound("Item not found");
  const interaction = await prisma.interaction.findUnique({
    where: { projectId_requestId: { projectId, requestId: item.requestId } },
    select: { id: true, originalEnc: true, subjectKeyId: true, piiKinds: true },
  });
  if (!interaction?.originalEnc || !interaction.subjectKeyId) {
    throw new AppError("CONFLICT", "No original is stored for this item: no personal data was found in it.");
  }

  const decrypted = await decryptOriginal(interaction.subjectKeyId, interaction.originalEnc);
  const original = decrypted === null ? null : originalSchema.parse(decrypted);
  // Recorded before anything is returned: no reveal without its audit event.
  await prisma.$transaction((tx) =>
    recordAudit(tx, {
      actor,
      action: original ? "pii.revealed" : "pii.reveal_unavailable",
      orgId: project.orgId,
      projectId,
      targetType: "triage_item",
      targetId: item.id,
      metadata: { reason, requestId: item.requestId, interactionId: interaction.id, piiKinds: interaction.piiKinds, ...(original ? {} : { erased: true }) },
    }),
  );
  return original ? { status: "revealed", messages: promptMessages(original.prompt), response: original.response } : { status: "erased" };
}
