"use server";
// Server actions of the review queue: session → service; the services check
// membership and permission and record the audit events.
import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { requireSessionActor } from "@/lib/auth/session";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import { claimNextItem } from "@/lib/triage/claim-next";
import { slugSchema } from "@/lib/projects/schemas";
import { updateReviewPreferences } from "@/lib/review/update-review-preferences";

export async function claimNextAction(projectId: string, slug: string, _prev: ActionResult<{ id: string }>): Promise<ActionResult<{ id: string }>> {
  const result = await runAction<{ id: string }>(async () => {
    const claimed = await claimNextItem(await requireSessionActor(), projectId);
    return claimed ? { ok: true, data: { id: claimed.id } } : { ok: false, error: "Nothing to claim: no open item is waiting for you right now." };
  });
  if (result.ok && result.data) redirect(`/p/${slugSchema.parse(slug)}/queue/${result.data.id}`);
  return result;
}

export async function setBlurSensitiveAction(blurSensitive: boolean): Promise<ActionResult> {
  return runAction(async () => {
    await updateReviewPreferences(await requireSessionActor(), { blurSensitive });
    revalidatePath("/p/[project]/queue/[itemId]", "page");
    return { ok: true, message: blurSensitive ? "Sensitive content will be blurred." : "Sensitive content will be shown unblurred." };
  });
}
