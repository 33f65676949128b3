// A reviewer's own settings for the review screens, kept in User.preferences
// beside other keys. Pure parsing; the services read and write them.
import { z } from "zod";

export const reviewPreferencesSchema = z.object({
  /** Content in distressing categories stays blurred until clicked. */
  blurSensitive: z.boolean().catch(true).default(true),
});
export type ReviewPreferences = z.infer<typeof reviewPreferencesSchema>;

export function parseReviewPreferences(stored: unknown): ReviewPreferences {
  const obj = stored && typeof stored === "object" && !Array.isArray(stored) ? stored : {};
  return reviewPreferencesSchema.parse(obj);
}
