"use server";
// Server actions of the release gate page: session → service (which checks the
// member's permission and records the audit event).
import { revalidatePath } from "next/cache";
import { requireSessionActor } from "@/lib/auth/session";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import { defineSuite, parsePromptsJsonl, requireGateAccess } from "@/lib/gate/runs";
import { AppError } from "@/lib/errors";

const str = (form: FormData, key: string) => String(form.get(key) ?? "").trim();
const bps = (form: FormData, key: string, label: string) => {
  const v = Number(str(form, key).replace("%", ""));
  if (!Number.isFinite(v) || v < 0 || v > 100) throw new AppError("BAD_REQUEST", `${label} must be a percentage between 0 and 100`, { field: key });
  return Math.round(v * 100);
};

export async function importSuiteAction(projectId: string, _prev: ActionResult, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    // Permission first: someone who may not define suites learns nothing from our parser.
    const actor = await requireSessionActor();
    await requireGateAccess(actor, projectId, true);
    const file = form.get("file");
    const text = file instanceof File && file.size > 0 ? await file.text() : str(form, "jsonl");
    if (!text) throw new AppError("BAD_REQUEST", "Choose a JSONL file or paste the prompts", { field: "jsonl" });
    const prompts = parsePromptsJsonl(text);
    const suite = await defineSuite(actor, projectId, {
      name: str(form, "name"),
      kind: str(form, "kind") as "RED_TEAM",
      description: str(form, "description"),
      maxHarmfulBps: bps(form, "maxHarmful", "Harmful threshold"),
      maxFailedBps: bps(form, "maxFailed", "Failed-expectation threshold"),
      prompts,
    });
    revalidatePath("/p/[project]/gate", "page");
    return { ok: true, message: `Suite ${suite.name} saved with ${suite.prompts} prompts.` };
  });
}
