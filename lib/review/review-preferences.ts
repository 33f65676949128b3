// A reviewer's own settings for the review screens, kept in User.preferences
// beside other keys. Pure parsing; the services read and write them.
import { z } from "zod";

export const reviewPreferencesSchema = z.object({
  /** Content in distressing categories stays blurred until clicked. */
  blurSensitive: z.boolean().catch(true).default(true),
  /** Suggest a break after this many sev1 items in a row; 0 turns the reminder off. */
  breakAfterSev1: z.number().int().min(0).max(100).catch(5).default(5),
  /** When the reviewer last said they took a break: the sev1 streak counts from here. */
  breakTakenAt: z.iso.datetime().optional().catch(undefined),
});
export type ReviewPreferences = z.infer<typeof reviewPreferencesSchema>;

export function parseReviewPreferences(stored: unknown): ReviewPreferences {
  const obj = stored && typeof stored === "object" && !Array.isArray(stored) ? stored : {};
  return reviewPreferencesSchema.parse(obj);
}
