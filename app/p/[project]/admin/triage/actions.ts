"use server";
// Server actions of Admin → Triage. Each one goes session → service; the service
// checks membership and permission and records the audit event. What was typed
// is parsed with the form schemas, which name the field of each error.
import { revalidatePath } from "next/cache";
import { requireSessionActor } from "@/lib/auth/session";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import { ruleFormSchema, samplingFormSchema, slaPolicyFormSchema } from "@/lib/triage-settings/schemas";
import {
  createSeverityRule,
  deleteSeverityRule,
  moveSeverityRule,
  resetSeverityRules,
  setSeverityRuleEnabled,
  updateSeverityRule,
} from "@/lib/triage-settings/manage-severity-rules";
import { updateSlaPolicy } from "@/lib/triage-settings/update-sla-policy";
import { updateSampling } from "@/lib/triage-settings/update-sampling";

const str = (form: FormData, key: string) => String(form.get(key) ?? "");

const ruleFromForm = (form: FormData) =>
  ruleFormSchema.parse({
    name: str(form, "name"),
    severity: str(form, "severity"),
    condition: {
      categories: str(form, "categories"),
      minScore: str(form, "minScore"),
      reportCategories: form.getAll("reportCategories").map(String),
      minReports: str(form, "minReports"),
      anyClassifierFlag: form.get("anyClassifierFlag") === "on",
    },
  });

const done = (message: string): ActionResult => {
  revalidatePath("/p", "layout");
  return { ok: true, message };
};

export async function createRuleAction(projectId: string, _prev: ActionResult, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const input = ruleFromForm(form);
    await createSeverityRule(await requireSessionActor(), projectId, input);
    return done(`Rule “${input.name}” added at the end of the list.`);
  });
}

export async function updateRuleAction(projectId: string, ref: string, _prev: ActionResult, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const input = ruleFromForm(form);
    const { changed } = await updateSeverityRule(await requireSessionActor(), projectId, ref, input);
    return done(changed ? `Rule “${input.name}” saved.` : "Nothing changed.");
  });
}

export async function deleteRuleAction(projectId: string, ref: string): Promise<ActionResult> {
  return runAction(async () => {
    await deleteSeverityRule(await requireSessionActor(), projectId, ref);
    return done("Rule deleted.");
  });
}

export async function setRuleEnabledAction(projectId: string, ref: string, enabled: boolean): Promise<ActionResult> {
  return runAction(async () => {
    await setSeverityRuleEnabled(await requireSessionActor(), projectId, ref, enabled);
    return done(enabled ? "Rule enabled." : "Rule disabled.");
  });
}

export async function moveRuleAction(projectId: string, ref: string, direction: "up" | "down"): Promise<ActionResult> {
  return runAction(async () => {
    await moveSeverityRule(await requireSessionActor(), projectId, ref, direction === "up" ? "up" : "down");
    return done(direction === "up" ? "Rule moved up." : "Rule moved down.");
  });
}

export async function resetRulesAction(projectId: string): Promise<ActionResult> {
  return runAction(async () => {
    const { changed } = await resetSeverityRules(await requireSessionActor(), projectId);
    return done(changed ? "Rules reset: the shipped defaults apply again." : "The shipped defaults already apply.");
  });
}

export async function updateSlaPolicyAction(projectId: string, _prev: ActionResult, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const input = slaPolicyFormSchema.parse({
      severity: str(form, "severity"),
      firstTriageSeconds: { value: str(form, "firstTriage"), unit: str(form, "firstTriageUnit") },
      resolutionSeconds: { value: str(form, "resolution"), unit: str(form, "resolutionUnit") },
      atRiskPercent: str(form, "atRiskPercent"),
      calendar: str(form, "calendar"),
      timeZone: str(form, "timeZone"),
      workingDays: form.getAll("workingDays").map(String),
      workStartMinute: str(form, "workStart"),
      workEndMinute: str(form, "workEnd"),
    });
    const { changed } = await updateSlaPolicy(await requireSessionActor(), projectId, input);
    return done(changed ? `${input.severity} policy saved.` : "Nothing changed.");
  });
}

export async function updateSamplingAction(projectId: string, _prev: ActionResult, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const input = samplingFormSchema.parse({ sampleRateBps: str(form, "sampleRate"), doubleReviewBps: str(form, "doubleReviewRate") });
    const { changed } = await updateSampling(await requireSessionActor(), projectId, input);
    return done(changed ? "Sampling saved." : "Nothing changed.");
  });
}
