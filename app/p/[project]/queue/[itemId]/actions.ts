"use server";
// Server actions of the item page: session → service (which checks membership,
// permission, lease and version, and records the audit event).
import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { requireSessionActor } from "@/lib/auth/session";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import { revealOriginal, type RevealedOriginal } from "@/lib/review/reveal-original";
import { submitLabel } from "@/lib/review/submit-label";
import { parseCustomCategories, type LabelInput } from "@/lib/review/label-schemas";
import { transitionItem } from "@/lib/triage/transition-item";
import { claimNextItem } from "@/lib/triage/claim-next";
import { itemActions, type ItemAction } from "@/lib/triage/transitions";
import { slugSchema } from "@/lib/projects/schemas";
import { killFlag } from "@/lib/flags/kill-flag";
import { cutRollout } from "@/lib/flags/cut-rollout";

const ITEM_PAGE = "/p/[project]/queue/[itemId]";

export async function revealOriginalAction(
  projectId: string,
  itemId: string,
  _prev: ActionResult<RevealedOriginal>,
  form: FormData,
): Promise<ActionResult<RevealedOriginal>> {
  return runAction(async () => {
    const revealed = await revealOriginal(await requireSessionActor(), projectId, { itemId, reason: String(form.get("reason") ?? "") });
    // The item's history now shows the reveal.
    revalidatePath(ITEM_PAGE, "page");
    return { ok: true, data: revealed };
  });
}

const outcomeMessage = {
  settled: "Saved.",
  second_review: "Saved. This item was drawn for a second, blind review and went back to the queue.",
  adjudication: "Saved. The two reviews disagree, so the item went to a lead to decide.",
} as const;

/** Label the item and resolve or dismiss it; with `next`, go straight on to the next item. */
export async function submitLabelAction(projectId: string, slug: string, itemId: string, _prev: ActionResult, form: FormData): Promise<ActionResult> {
  const goNext = form.get("next") === "1";
  let nextId: string | null = null;
  const result = await runAction<undefined>(async () => {
    const actor = await requireSessionActor();
    // Form values are strings; the service's schema validates them (a bad verdict is a field error).
    const input = {
      verdict: String(form.get("verdict") ?? ""),
      hazardCategories: [...form.getAll("hazard").map(String), ...parseCustomCategories(String(form.get("customCategories") ?? ""))],
      severity: String(form.get("severity") ?? "") || undefined,
      notes: String(form.get("notes") ?? ""),
      correctedResponse: String(form.get("correctedResponse") ?? ""),
      outcome: String(form.get("outcome") ?? "") || "resolve",
      expectedVersion: Number(form.get("expectedVersion")),
    } as LabelInput;
    const saved = await submitLabel(actor, projectId, itemId, input);
    revalidatePath(ITEM_PAGE, "page");
    if (goNext) nextId = (await claimNextItem(actor, projectId))?.id ?? null;
    return { ok: true, message: outcomeMessage[saved.outcome] };
  });
  if (result.ok && goNext) {
    const base = `/p/${slugSchema.parse(slug)}/queue`;
    redirect(nextId ? `${base}/${nextId}` : `${base}?done=1`);
  }
  return result;
}

const actionMessage: Partial<Record<ItemAction, string>> = {
  claim: "Claimed: the item is yours for the next 15 minutes of inactivity.",
  release: "Released back to the queue.",
  escalate: "Escalated to a lead.",
  request_info: "Waiting for information: the SLA clock is paused.",
  resume: "Back in the queue: the SLA clock runs again.",
  reopen: "Reopened.",
};

/** State changes without a label: claim this item, release, escalate, request info, resume, reopen. */
export async function itemTransitionAction(projectId: string, itemId: string, _prev: ActionResult, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const action = String(form.get("action") ?? "");
    if (!(itemActions as readonly string[]).includes(action)) return { ok: false, error: "Unknown action" };
    await transitionItem(await requireSessionActor(), projectId, itemId, {
      action: action as ItemAction,
      expectedVersion: Number(form.get("expectedVersion")),
      reason: String(form.get("reason") ?? "") || undefined,
    });
    revalidatePath(ITEM_PAGE, "page");
    return { ok: true, message: actionMessage[action as ItemAction] ?? "Done." };
  });
}

/** "Mitigate": kill a flag of the item's snapshot or halve its rollout, with the item as the reason. */
export async function mitigateAction(projectId: string, itemId: string, _prev: ActionResult, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const actor = await requireSessionActor();
    const kind = String(form.get("mitigation") ?? "");
    if (kind !== "kill" && kind !== "cut_rollout") return { ok: false, error: "Unknown mitigation" };
    const flagKey = String(form.get("flagKey") ?? "");
    const input = { flagKey, environmentId: String(form.get("environmentId") ?? ""), reason: String(form.get("reason") ?? ""), triageItemId: itemId };
    const { results } = await (kind === "kill" ? killFlag : cutRollout)(actor, projectId, input);
    revalidatePath(ITEM_PAGE, "page");
    const r = results[0];
    if (!r || r.status === "UNCHANGED") return { ok: true, message: `${flagKey} was already there; nothing changed.` };
    return { ok: true, message: kind === "kill" ? `${flagKey} killed (version ${r.version}).` : `${flagKey} cut to ${r.exposureBps / 100}% (version ${r.version}).` };
  });
}
