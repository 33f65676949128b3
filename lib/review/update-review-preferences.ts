// Changes the signed-in reviewer's own review settings. Other keys of
// User.preferences are kept: the merge happens in one statement, so two
// settings saved at once do not overwrite each other.
import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";

export const updateReviewPreferencesSchema = z
  .object({
    blurSensitive: z.boolean(),
    breakAfterSev1: z.coerce.number({ error: "A whole number from 0 to 100" }).int("A whole number from 0 to 100").min(0).max(100),
    breakTakenAt: z.iso.datetime(),
  })
  .partial();

export async function updateReviewPreferences(actor: Actor, input: z.input<typeof updateReviewPreferencesSchema>): Promise<void> {
  if (actor.kind !== "user") throw new AppError("FORBIDDEN", "Preferences belong to a signed-in user");
  const patch = updateReviewPreferencesSchema.parse(input);
  await db().$executeRaw`
    UPDATE "User"
    SET preferences = (CASE WHEN jsonb_typeof(preferences) = 'object' THEN preferences ELSE '{}'::jsonb END) || ${JSON.stringify(patch)}::jsonb
    WHERE id = ${actor.userId}::uuid`;
}
