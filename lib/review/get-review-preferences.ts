// The signed-in reviewer's review settings (their own row only; not scoped to a project).
import "server-only";
import { db } from "@/lib/db";
import type { Actor } from "@/lib/auth/actor-types";
import { parseReviewPreferences, type ReviewPreferences } from "@/lib/review/review-preferences";

export async function getReviewPreferences(actor: Actor): Promise<ReviewPreferences> {
  if (actor.kind !== "user") return parseReviewPreferences({});
  const user = await db().user.findUnique({ where: { id: actor.userId }, select: { preferences: true } });
  return parseReviewPreferences(user?.preferences);
}
