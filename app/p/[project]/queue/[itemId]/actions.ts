"use server";
// Server actions of the item page: session → service (which checks pii:reveal
// and records the reveal in the audit trail before returning anything).
import { revalidatePath } from "next/cache";
import { requireSessionActor } from "@/lib/auth/session";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import { revealOriginal, type RevealedOriginal } from "@/lib/review/reveal-original";

export async function revealOriginalAction(
  projectId: string,
  itemId: string,
  _prev: ActionResult<RevealedOriginal>,
  form: FormData,
): Promise<ActionResult<RevealedOriginal>> {
  return runAction(async () => {
    const revealed = await revealOriginal(await requireSessionActor(), projectId, { itemId, reason: String(form.get("reason") ?? "") });
    // The item's history now shows the reveal.
    revalidatePath("/p/[project]/queue/[itemId]", "page");
    return { ok: true, data: revealed };
  });
}
