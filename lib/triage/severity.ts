// Severity from signals: ordered rules, first match wins. Safe for client code
// (the admin rule editor shows and tests them); no I/O.
import { z } from "zod";

export const severities = ["SEV1", "SEV2", "SEV3", "SEV4"] as const;
export type Sev = (typeof severities)[number];

/** What triage knows about one interaction's signals. */
export type Signals = {
  /** Categories flagged by any classifier (FLAG or BLOCK), with their highest score. */
  categories: Record<string, number>;
  flagged: boolean;
  blocked: boolean;
  reportCategories: ("HARMFUL" | "INCORRECT" | "PRIVACY" | "OTHER")[];
  reportCount: number;
  isSample: boolean;
};

export const ruleConditionSchema = z
  .object({
    /** Any of these classifier categories flagged with at least minScore. */
    categories: z.array(z.string().min(1)).min(1).optional(),
    minScore: z.number().min(0).max(1).default(0),
    /** Any report in one of these categories. */
    reportCategories: z.array(z.enum(["HARMFUL", "INCORRECT", "PRIVACY", "OTHER"])).min(1).optional(),
    minReports: z.number().int().min(1).optional(),
    /** Any classifier flag or block at all. */
    anyClassifierFlag: z.boolean().optional(),
  })
  .refine((c) => c.categories || c.reportCategories || c.minReports || c.anyClassifierFlag, "A rule needs at least one condition");
export type RuleCondition = z.infer<typeof ruleConditionSchema>;

export type SeverityRuleDef = { name: string; condition: RuleCondition; severity: Sev };

/**
 * Shipped defaults, using the MLCommons hazard codes that Llama Guard and
 * similar classifiers emit (S4 child sexual exploitation, S11 suicide and
 * self-harm, S1 violent crimes, S9 indiscriminate weapons, S7 privacy), plus
 * plain-word aliases some classifiers use.
 */
export const defaultSeverityRules: SeverityRuleDef[] = [
  { name: "Minors or self-harm", condition: { categories: ["S4", "S11", "minors", "self-harm", "sexual/minors", "self_harm"], minScore: 0.5 }, severity: "SEV1" },
  { name: "Violent crimes or weapons", condition: { categories: ["S1", "S9", "violence", "weapons"], minScore: 0.5 }, severity: "SEV2" },
  { name: "Privacy reported by a user", condition: { reportCategories: ["PRIVACY"], minScore: 0 }, severity: "SEV2" },
  { name: "Privacy flagged by a classifier", condition: { categories: ["S7", "privacy", "pii"], minScore: 0.5 }, severity: "SEV2" },
  { name: "Many reports", condition: { minReports: 3, minScore: 0 }, severity: "SEV2" },
  { name: "Harm reported by a user", condition: { reportCategories: ["HARMFUL"], minScore: 0 }, severity: "SEV3" },
  { name: "Any classifier flag", condition: { anyClassifierFlag: true, minScore: 0 }, severity: "SEV3" },
];

function matches(c: RuleCondition, s: Signals): boolean {
  if (c.categories && !c.categories.some((cat) => (s.categories[cat] ?? -1) >= c.minScore)) return false;
  if (c.reportCategories && !c.reportCategories.some((cat) => s.reportCategories.includes(cat))) return false;
  if (c.minReports && s.reportCount < c.minReports) return false;
  if (c.anyClassifierFlag && !(s.flagged || s.blocked)) return false;
  return true;
}

export function severityFor(signals: Signals, rules: SeverityRuleDef[] = defaultSeverityRules): { severity: Sev; rule: string | null } {
  for (const r of rules) if (matches(r.condition, signals)) return { severity: r.severity, rule: r.name };
  return { severity: "SEV4", rule: null };
}

const severityWeight: Record<Sev, number> = { SEV1: 4000, SEV2: 3000, SEV3: 2000, SEV4: 1000 };

/**
 * Higher is more urgent. Output a classifier flagged but did not block reached
 * the user, so it outranks blocked output of the same severity; each report
 * raises the priority; blind samples come last.
 */
export function priorityFor(severity: Sev, s: Pick<Signals, "flagged" | "blocked" | "reportCount" | "isSample">): number {
  return (
    severityWeight[severity] +
    (s.flagged && !s.blocked ? 500 : 0) +
    Math.min(s.reportCount, 50) * 10 -
    (s.isSample ? 500 : 0)
  );
}
