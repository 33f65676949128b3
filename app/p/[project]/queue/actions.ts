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
import { bulkTransition } from "@/lib/triage/bulk-transition";

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

export async function setBreakAfterSev1Action(_prev: ActionResult, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const breakAfterSev1 = Number(form.get("breakAfterSev1"));
    await updateReviewPreferences(await requireSessionActor(), { breakAfterSev1 });
    revalidatePath("/p/[project]/queue/[itemId]", "page");
    return { ok: true, message: breakAfterSev1 === 0 ? "Break reminders are off." : `You will be reminded after ${breakAfterSev1} sev1 items in a row.` };
  });
}

/** "I took a break": the sev1 streak starts again from now. */
export async function tookBreakAction(): Promise<ActionResult> {
  return runAction(async () => {
    await updateReviewPreferences(await requireSessionActor(), { breakTakenAt: new Date().toISOString() });
    revalidatePath("/p/[project]/queue/[itemId]", "page");
    return { ok: true, message: "Welcome back." };
  });
}

/**
 * Leads: resolve or dismiss the selected items with one reason, then back to
 * the same queue view with the outcome (the closed rows leave the page, so the
 * message cannot live in the table that sent it).
 */
export async function bulkTransitionAction(projectId: string, slug: string, _prev: ActionResult, form: FormData): Promise<ActionResult> {
  const action = form.get("action") === "dismiss" ? "dismiss" : "resolve";
  let outcome: { changed: number; skipped: number } | null = null;
  const result = await runAction<undefined>(async () => {
    outcome = await bulkTransition(await requireSessionActor(), projectId, {
      action,
      itemIds: form.getAll("itemId").map(String),
      reason: String(form.get("reason") ?? ""),
    });
    revalidatePath("/p/[project]/queue", "page");
    return { ok: true };
  });
  if (result.ok && outcome) {
    const base = `/p/${slugSchema.parse(slug)}/queue`;
    const from = String(form.get("returnTo") ?? "");
    const back = new URL(from.startsWith(`${base}?`) || from === base ? from : base, "http://x");
    for (const k of ["bulk", "changed", "skipped", "done"]) back.searchParams.delete(k);
    const { changed, skipped } = outcome as { changed: number; skipped: number };
    back.searchParams.set("bulk", action);
    back.searchParams.set("changed", String(changed));
    back.searchParams.set("skipped", String(skipped));
    redirect(`${back.pathname}${back.search}`);
  }
  return result;
}
