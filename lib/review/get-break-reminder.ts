// Reviewer wellness: how many sev1 items the reviewer has labeled in a row
// (in any project, since their last break), and whether that reached the
// threshold they chose. Reads their own labels only.
import "server-only";
import { db } from "@/lib/db";
import type { Actor } from "@/lib/auth/actor-types";
import type { ReviewPreferences } from "@/lib/review/review-preferences";

export async function getBreakReminder(actor: Actor, prefs: ReviewPreferences): Promise<{ streak: number } | null> {
  if (actor.kind !== "user" || prefs.breakAfterSev1 === 0) return null;
  const since = prefs.breakTakenAt ? new Date(prefs.breakTakenAt) : new Date(0);
  const recent = await db().$queryRaw<{ severity: string }[]>`
    SELECT t.severity::text AS severity FROM "Label" l JOIN "TriageItem" t ON t.id = l."triageItemId"
    WHERE l."reviewerId" = ${actor.userId}::uuid AND l."createdAt" > ${since}
    ORDER BY l."createdAt" DESC LIMIT ${prefs.breakAfterSev1}`;
  const streak = recent.findIndex((r) => r.severity !== "SEV1");
  const inARow = streak < 0 ? recent.length : streak;
  return inARow >= prefs.breakAfterSev1 ? { streak: inARow } : null;
}
