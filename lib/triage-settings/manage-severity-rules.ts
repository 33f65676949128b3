// A project's severity rules: add, edit, delete, enable/disable, reorder, reset.
// A project without rules of its own uses the shipped defaults; its first change
// copies them into the table (audited as such) so that they become editable.
// Positions are kept 0…n-1.
import "server-only";
import { db, type Tx } from "@/lib/db";
import { requirePermission } from "@/lib/auth/access";
import { recordAudit } from "@/lib/audit/record";
import { AppError, notFound } from "@/lib/errors";
import { defaultSeverityRules, type RuleCondition, type Sev } from "@/lib/triage/severity";
import { lockTriageSettings } from "@/lib/triage-settings/lock";
import { ruleRefSchema, severityRuleSchema, type SeverityRuleInput } from "@/lib/triage-settings/schemas";
import type { Prisma } from "@/lib/generated/prisma/client.ts";
import type { Actor } from "@/lib/auth/actor-types";

type Rule = { id: string; name: string; severity: Sev; condition: Prisma.JsonValue; enabled: boolean; position: number };
type Scope = { actor: Actor; projectId: string; orgId: string };

/** A rule as its audit events show it. */
const rule = (r: Rule) => ({ name: r.name, severity: r.severity, condition: r.condition, enabled: r.enabled, position: r.position });
const json = (c: RuleCondition) => c as Prisma.JsonObject;

async function inRulesTransaction<T>(actor: Actor, projectId: string, fn: (tx: Tx, scope: Scope) => Promise<T>): Promise<T> {
  const { project } = await requirePermission(actor, projectId, "project:manage");
  return db().$transaction(async (tx) => {
    await lockTriageSettings(tx, projectId);
    return fn(tx, { actor, projectId, orgId: project.orgId });
  });
}

function loadRules(tx: Tx, projectId: string): Promise<Rule[]> {
  return tx.severityRule.findMany({
    where: { projectId },
    orderBy: [{ position: "asc" }, { createdAt: "asc" }],
    select: { id: true, name: true, severity: true, condition: true, enabled: true, position: true },
  });
}

function audit(tx: Tx, scope: Scope, action: string, targetId: string, before: unknown, after: unknown) {
  return recordAudit(tx, {
    actor: scope.actor,
    action,
    orgId: scope.orgId,
    projectId: scope.projectId,
    targetType: targetId === scope.projectId ? "project" : "severity_rule",
    targetId,
    before,
    after,
  });
}

const isDefault = (r: Rule) => r.id.startsWith("default:");

/** The rules in effect, in order: the project's own, or the shipped defaults as rows not yet stored. */
async function rulesInEffect(tx: Tx, projectId: string): Promise<Rule[]> {
  const stored = await loadRules(tx, projectId);
  if (stored.length > 0) return stored;
  return defaultSeverityRules.map((r, position) => ({ id: `default:${position}`, name: r.name, severity: r.severity, condition: json(r.condition), enabled: true, position }));
}

/** The rule a ref names; `default:<i>` only while the defaults are still in effect. */
async function locateRule(tx: Tx, projectId: string, ref: string): Promise<{ rules: Rule[]; target: Rule; index: number }> {
  const parsed = ruleRefSchema.parse(ref);
  const rules = await rulesInEffect(tx, projectId);
  if (parsed.startsWith("default:") && !rules.every(isDefault)) {
    throw new AppError("CONFLICT", "The rules were changed since this page was loaded; reload it and try again");
  }
  const index = rules.findIndex((r) => r.id === parsed);
  const target = rules[index];
  if (!target) throw notFound("That rule no longer exists; reload the page");
  return { rules, target, index };
}

/** Before the first change, stores the defaults so they become the project's own; the same rules, in order. */
async function storeRules(tx: Tx, scope: Scope, rules: Rule[]): Promise<Rule[]> {
  if (!rules.some(isDefault)) return rules;
  await tx.severityRule.createMany({
    data: rules.map((r) => ({ projectId: scope.projectId, name: r.name, severity: r.severity, condition: r.condition as Prisma.JsonObject, position: r.position })),
  });
  const stored = await loadRules(tx, scope.projectId);
  await audit(tx, scope, "severity_rules.defaults_copied", scope.projectId, { source: "defaults" }, { rules: stored.map(rule) });
  return stored;
}

/** Rules compare by meaning: Postgres returns JSON keys in its own order. */
function sameRule(a: Rule, b: Rule): boolean {
  const canonical = (r: Rule) => JSON.stringify({ ...rule(r), condition: sortKeys(r.condition) });
  return canonical(a) === canonical(b);
}

function sortKeys(value: Prisma.JsonValue): Prisma.JsonValue {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k] ?? null)]));
}

/** With every rule disabled triage would silently fall back to the defaults, so say so instead. */
function assertOneEnabled(rules: Pick<Rule, "enabled">[]) {
  if (rules.length > 0 && !rules.some((r) => r.enabled)) {
    throw new AppError(
      "CONFLICT",
      "At least one rule must stay enabled: with none, triage falls back to the shipped defaults. Use “Reset to defaults” if that is what you want.",
    );
  }
}

async function renumber(tx: Tx, rules: Rule[]) {
  for (const [position, r] of rules.entries()) {
    if (r.position !== position) await tx.severityRule.update({ where: { id: r.id }, data: { position } });
  }
}

/** Adds a rule at the end of the list (checked last); the admin moves it up from there. */
export async function createSeverityRule(actor: Actor, projectId: string, input: SeverityRuleInput) {
  const data = severityRuleSchema.parse(input);
  return inRulesTransaction(actor, projectId, async (tx, scope) => {
    const rules = await storeRules(tx, scope, await rulesInEffect(tx, projectId));
    const created = await tx.severityRule.create({
      data: { projectId, name: data.name, severity: data.severity, condition: json(data.condition), position: rules.length },
      select: { id: true, name: true, severity: true, condition: true, enabled: true, position: true },
    });
    await audit(tx, scope, "severity_rule.created", created.id, null, rule(created));
    return { id: created.id };
  });
}

export async function updateSeverityRule(actor: Actor, projectId: string, ref: string, input: SeverityRuleInput) {
  const data = severityRuleSchema.parse(input);
  return inRulesTransaction(actor, projectId, async (tx, scope) => {
    const { rules, target, index } = await locateRule(tx, projectId, ref);
    const updated = { ...target, name: data.name, severity: data.severity, condition: json(data.condition) };
    if (sameRule(updated, target)) return { changed: false };
    const stored = (await storeRules(tx, scope, rules))[index]!;
    await tx.severityRule.update({ where: { id: stored.id }, data: { name: data.name, severity: data.severity, condition: json(data.condition) } });
    await audit(tx, scope, "severity_rule.updated", stored.id, rule(stored), rule({ ...updated, id: stored.id }));
    return { changed: true };
  });
}

export async function deleteSeverityRule(actor: Actor, projectId: string, ref: string) {
  return inRulesTransaction(actor, projectId, async (tx, scope) => {
    const { rules, index } = await locateRule(tx, projectId, ref);
    assertOneEnabled(rules.filter((_, i) => i !== index));
    const stored = await storeRules(tx, scope, rules);
    const target = stored[index]!;
    await tx.severityRule.delete({ where: { id: target.id } });
    await renumber(tx, stored.filter((r) => r.id !== target.id));
    await audit(tx, scope, "severity_rule.deleted", target.id, rule(target), null);
  });
}

export async function setSeverityRuleEnabled(actor: Actor, projectId: string, ref: string, enabled: boolean) {
  return inRulesTransaction(actor, projectId, async (tx, scope) => {
    const { rules, index } = await locateRule(tx, projectId, ref);
    if (rules[index]!.enabled === enabled) return;
    assertOneEnabled(rules.map((r, i) => (i === index ? { enabled } : r)));
    const target = (await storeRules(tx, scope, rules))[index]!;
    await tx.severityRule.update({ where: { id: target.id }, data: { enabled } });
    await audit(tx, scope, enabled ? "severity_rule.enabled" : "severity_rule.disabled", target.id, { name: target.name, enabled: target.enabled }, { name: target.name, enabled });
  });
}

/** Swaps a rule with its neighbour; moving the first up or the last down changes nothing. */
export async function moveSeverityRule(actor: Actor, projectId: string, ref: string, direction: "up" | "down") {
  return inRulesTransaction(actor, projectId, async (tx, scope) => {
    const { rules, index } = await locateRule(tx, projectId, ref);
    const to = direction === "up" ? index - 1 : index + 1;
    if (to < 0 || to >= rules.length) return;
    const reordered = await storeRules(tx, scope, rules);
    const target = reordered[index]!;
    [reordered[index], reordered[to]] = [reordered[to]!, target];
    await renumber(tx, reordered);
    await audit(tx, scope, "severity_rule.moved", target.id, { name: target.name, position: index + 1 }, { name: target.name, position: to + 1 });
  });
}

/** Deletes the project's rules, so that the shipped defaults apply again. */
export async function resetSeverityRules(actor: Actor, projectId: string) {
  return inRulesTransaction(actor, projectId, async (tx, scope) => {
    const rules = await loadRules(tx, projectId);
    if (rules.length === 0) return { changed: false };
    await tx.severityRule.deleteMany({ where: { projectId } });
    await audit(tx, scope, "severity_rules.reset", projectId, { rules: rules.map(rule) }, { source: "defaults" });
    return { changed: true };
  });
}
