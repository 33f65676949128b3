"use server";
// Server actions of the rollback rules tab: session → service. The services
// check flag:change (lead+), validate the whole rule, scope it to the project
// and audit the change. Here the form's units become the services' (rates
// typed as percentages, durations as an amount and a unit); what the form
// cannot turn into a number is refused on its field before any service runs.
import { revalidatePath } from "next/cache";
import { requireSessionActor } from "@/lib/auth/session";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import { createRollbackRule } from "@/lib/rollback/create-rollback-rule";
import { updateRollbackRule } from "@/lib/rollback/update-rollback-rule";
import { deleteRollbackRule } from "@/lib/rollback/delete-rollback-rule";
import type { Comparison, RollbackAction, supportedMetrics } from "@/lib/rollback/judge";

/** What the form sends is only a string; the services refuse a metric outside this list on its field. */
type RollbackMetric = (typeof supportedMetrics)[number];
import { isRateMetric, secondsPer, thresholdFromInput } from "@/components/rollback/format";

type RuleFields = {
  name: string;
  metric: RollbackMetric;
  comparison: Comparison;
  threshold: number;
  windowSeconds: number;
  baselineWindowSeconds: number | null;
  minSamples: number;
  action: RollbackAction;
  cooldownSeconds: number;
  dryRun: boolean;
  enabled: boolean;
};

const str = (form: FormData, key: string) => String(form.get(key) ?? "").trim();

/** The rule as the services take it, or the errors of the fields that are not numbers at all. */
function fieldsOf(form: FormData): { ok: true; rule: RuleFields } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const metric = str(form, "metric") as RollbackMetric;
  const comparison: Comparison = str(form, "comparison") === "BASELINE_MULTIPLE" ? "BASELINE_MULTIPLE" : "ABSOLUTE";

  const number = (key: string, field: string): number => {
    const raw = str(form, key);
    const n = raw === "" ? NaN : Number(raw);
    if (!Number.isFinite(n)) errors[field] ??= raw === "" ? "Required" : "Enter a number";
    return n;
  };
  const duration = (key: string, field: string): number => {
    const amount = number(`${key}Amount`, field);
    const unit = secondsPer(str(form, `${key}Unit`));
    if (unit === undefined) errors[field] ??= "Pick a unit";
    const seconds = amount * (unit ?? 1);
    if (!errors[field] && !Number.isInteger(seconds)) errors[field] = "Whole seconds only";
    if (!errors[field] && seconds < 0) errors[field] = "Cannot be negative";
    return seconds;
  };

  const typed = number("threshold", "threshold");
  if (!errors.threshold && comparison === "ABSOLUTE" && isRateMetric(metric) && typed > 100) {
    errors.threshold = "A rate is at most 100 %";
  }
  const minSamples = number("minSamples", "minSamples");
  if (!errors.minSamples && !Number.isInteger(minSamples)) errors.minSamples = "A whole number of samples";
  if (!errors.minSamples && minSamples < 1) errors.minSamples = "At least 1";
  const rule: RuleFields = {
    name: str(form, "name"),
    metric,
    comparison,
    threshold: thresholdFromInput(metric, comparison, typed),
    windowSeconds: duration("window", "windowSeconds"),
    baselineWindowSeconds: comparison === "BASELINE_MULTIPLE" ? duration("baseline", "baselineWindowSeconds") : null,
    minSamples,
    action: str(form, "action") as RollbackAction,
    cooldownSeconds: duration("cooldown", "cooldownSeconds"),
    dryRun: form.get("dryRun") === "on",
    enabled: form.get("enabled") === "on",
  };
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, rule };
}

function refused(errors: Record<string, string>): ActionResult {
  return { ok: false, error: "Check the highlighted fields: nothing was saved.", fieldErrors: errors };
}

function done(message: string): ActionResult {
  revalidatePath("/p/[project]/admin/rollback", "page");
  return { ok: true, message };
}

export async function createRollbackRuleAction(
  projectId: string,
  _prev: ActionResult,
  form: FormData,
): Promise<ActionResult> {
  const parsed = fieldsOf(form);
  if (!parsed.ok) return refused(parsed.errors);
  return runAction(async () => {
    const flagId = str(form, "flagId") || null;
    const rule = await createRollbackRule(await requireSessionActor(), projectId, { flagId, rule: parsed.rule });
    return done(
      `Created “${rule.name}”${rule.dryRun ? " in dry run: it records what it would do and changes nothing" : ""}.`,
    );
  });
}

export async function updateRollbackRuleAction(
  projectId: string,
  ruleId: string,
  _prev: ActionResult,
  form: FormData,
): Promise<ActionResult> {
  const parsed = fieldsOf(form);
  if (!parsed.ok) return refused(parsed.errors);
  return runAction(async () => {
    const rule = await updateRollbackRule(await requireSessionActor(), projectId, { ruleId, changes: parsed.rule });
    return done(`Saved “${rule.name}”.`);
  });
}

export async function setRollbackRuleEnabledAction(
  projectId: string,
  ruleId: string,
  enabled: boolean,
): Promise<ActionResult> {
  return runAction(async () => {
    const rule = await updateRollbackRule(await requireSessionActor(), projectId, { ruleId, changes: { enabled } });
    return done(enabled ? `“${rule.name}” is enabled.` : `“${rule.name}” is disabled: it is no longer evaluated.`);
  });
}

export async function setRollbackRuleDryRunAction(
  projectId: string,
  ruleId: string,
  dryRun: boolean,
): Promise<ActionResult> {
  return runAction(async () => {
    const rule = await updateRollbackRule(await requireSessionActor(), projectId, { ruleId, changes: { dryRun } });
    return done(
      dryRun
        ? `“${rule.name}” is in dry run: it records what it would do and changes nothing.`
        : `“${rule.name}” is live: when it fires, it ${rule.action === "PAUSE" ? "pauses widening" : "cuts exposure"}.`,
    );
  });
}

export async function deleteRollbackRuleAction(projectId: string, ruleId: string): Promise<ActionResult> {
  return runAction(async () => {
    await deleteRollbackRule(await requireSessionActor(), projectId, ruleId);
    return done("Rule deleted, with its evaluations; incidents keep their timelines.");
  });
}
