// Input schemas of a project's triage settings (severity rules, SLA policies,
// sampling) and the shapes the admin page shows. Client-safe: the services parse
// with the stored-unit schemas; the admin actions parse what was typed with the
// form schemas, which convert units and then check with the same stored-unit schemas.
import { z } from "zod";
import { ruleConditionSchema, severities, type RuleCondition, type Sev } from "@/lib/triage/severity";
import { calendarProblems } from "@/lib/triage/business-hours";
import { bpsOfPercent, canonicalTimeZone, durationUnits, minuteOfClock } from "@/lib/triage-settings/units";

export const reportCategories = ["HARMFUL", "INCORRECT", "PRIVACY", "OTHER"] as const;
export const slaCalendars = ["CALENDAR", "BUSINESS"] as const;

// ───────────── Severity rules ─────────────

const severitySchema = z.enum(severities, { error: "Choose a severity from SEV1 to SEV4" });
const calendarSchema = z.enum(slaCalendars, { error: "Choose 24/7 or business hours" });

export const severityRuleSchema = z.object({
  name: z.string().trim().min(1, "Give the rule a name").max(100, "Keep the name to 100 characters"),
  severity: severitySchema,
  condition: ruleConditionSchema,
});
export type SeverityRuleInput = z.input<typeof severityRuleSchema>;

/**
 * Where a rule sits in the list shown to the admin: a stored rule's id, or
 * `default:<index>` for a shipped default while the project has no rules of its own.
 */
export const ruleRefSchema = z.union([z.uuid(), z.string().regex(/^default:\d{1,3}$/)], { error: "Unknown rule" });

const categoryList = z
  .string()
  .transform((s) => [...new Set(s.split(",").map((c) => c.trim()).filter(Boolean))])
  .refine((list) => list.length <= 50, "List at most 50 categories")
  .refine((list) => list.every((c) => c.length <= 64), "A category has at most 64 characters");

export const ruleFormSchema = z
  .object({
    name: z.string(),
    severity: severitySchema,
    condition: z.object({
      categories: categoryList,
      minScore: z
        .string()
        .trim()
        .refine((s) => s === "" || (/^(0|1)?(\.\d+)?$/.test(s) && Number(s) <= 1), "Minimum score is a number from 0 to 1")
        .transform((s) => (s === "" ? 0 : Number(s))),
      reportCategories: z.array(z.enum(reportCategories, { error: "Unknown report category" })),
      minReports: z
        .string()
        .trim()
        .refine((s) => s === "" || (/^\d{1,6}$/.test(s) && Number(s) >= 1), "Minimum reports is a whole number of at least 1")
        .transform((s) => (s === "" ? undefined : Number(s))),
      anyClassifierFlag: z.boolean(),
    }),
  })
  .transform(({ name, severity, condition: c }) => ({
    name,
    severity,
    // Empty fields are absent conditions, not conditions that can never match;
    // the minimum score qualifies the categories, so it goes only with them.
    condition: {
      ...(c.categories.length ? { categories: c.categories, minScore: c.minScore } : {}),
      ...(c.reportCategories.length ? { reportCategories: c.reportCategories } : {}),
      ...(c.minReports !== undefined ? { minReports: c.minReports } : {}),
      ...(c.anyClassifierFlag ? { anyClassifierFlag: true } : {}),
    },
  }))
  .pipe(severityRuleSchema);
export type RuleFormInput = z.input<typeof ruleFormSchema>;

// ───────────── SLA policies ─────────────

const MAX_TARGET_SECONDS = 365 * 24 * 3600;
const targetSeconds = (what: string) =>
  z
    .number()
    .int()
    .min(1, `${what} must be longer than zero`)
    .max(MAX_TARGET_SECONDS, `${what} can be at most a year`);

const calendarFieldWords = { timeZone: "time zone", workingDays: "working days", workStartMinute: "work start", workEndMinute: "work end" } as const;

/**
 * A problem reported by calendarProblems as a field error: the field it is about
 * (its text starts with the field's name; otherwise the calendar mode) in the form's words.
 */
function calendarIssue(problem: string): { path: string[]; message: string } {
  const field = (Object.keys(calendarFieldWords) as (keyof typeof calendarFieldWords)[]).find((f) => problem.startsWith(f)) ?? "calendar";
  let message = problem;
  for (const [name, words] of Object.entries(calendarFieldWords)) message = message.replaceAll(name, words);
  return { path: [field], message: message.charAt(0).toUpperCase() + message.slice(1) };
}

export const slaPolicySchema = z
  .object({
    severity: severitySchema,
    firstTriageSeconds: targetSeconds("The first-triage target"),
    resolutionSeconds: targetSeconds("The resolution target"),
    atRiskPercent: z.number().int("At-risk percent is a whole number").min(1, "At-risk percent is from 1 to 99").max(99, "At-risk percent is from 1 to 99"),
    calendar: calendarSchema,
    timeZone: z.string().transform((name, ctx) => {
      const zone = canonicalTimeZone(name);
      if (zone) return zone;
      ctx.addIssue({ code: "custom", message: `"${name.trim()}" is not an IANA time zone; use a name such as Europe/Berlin or America/New_York` });
      return z.NEVER;
    }),
    workingDays: z.array(z.number().int()).transform((days) => [...days].sort((a, b) => a - b)),
    workStartMinute: z.number().int(),
    workEndMinute: z.number().int(),
  })
  .superRefine((p, ctx) => {
    if (p.resolutionSeconds < p.firstTriageSeconds) {
      ctx.addIssue({ code: "custom", path: ["resolutionSeconds"], message: "The resolution target must be at least as long as the first-triage target" });
    }
    const cal = { mode: p.calendar, timeZone: p.timeZone, workingDays: p.workingDays, workStartMinute: p.workStartMinute, workEndMinute: p.workEndMinute };
    for (const problem of calendarProblems(cal)) ctx.addIssue({ code: "custom", ...calendarIssue(problem) });
  });
export type SlaPolicyInput = z.input<typeof slaPolicySchema>;
export type SlaPolicyValues = z.output<typeof slaPolicySchema>;

const duration = (what: string) =>
  z
    .object({ value: z.string().trim(), unit: z.enum(["minutes", "hours"]) })
    .refine(({ value }) => /^\d{1,6}(\.\d+)?$/.test(value) && Number(value) > 0, `Enter the ${what} as a number of minutes or hours above zero`)
    .transform(({ value, unit }) => Math.round(Number(value) * durationUnits[unit]));

const clock = (what: string) =>
  z
    .string()
    .trim()
    .transform((text, ctx) => {
      const minute = minuteOfClock(text);
      if (minute !== null) return minute;
      ctx.addIssue({ code: "custom", message: `Enter the ${what} as HH:MM, e.g. 09:00` });
      return z.NEVER;
    });

export const slaPolicyFormSchema = z
  .object({
    severity: severitySchema,
    firstTriageSeconds: duration("first-triage target"),
    resolutionSeconds: duration("resolution target"),
    atRiskPercent: z
      .string()
      .trim()
      .refine((s) => /^\d{1,2}$/.test(s), "At-risk percent is a whole number from 1 to 99")
      .transform(Number),
    calendar: calendarSchema,
    timeZone: z.string(),
    workingDays: z.array(z.string()).transform((days) => days.map(Number)),
    workStartMinute: clock("work start"),
    workEndMinute: clock("work end"),
  })
  .pipe(slaPolicySchema);
export type SlaPolicyFormInput = z.input<typeof slaPolicyFormSchema>;

// ───────────── Sampling ─────────────

const bps = (what: string) => z.number().int().min(0, `${what} is from 0 % to 100 %`).max(10_000, `${what} is from 0 % to 100 %`);

export const samplingSchema = z.object({
  sampleRateBps: bps("The sampling rate"),
  doubleReviewBps: bps("The double-review rate"),
});
export type SamplingInput = z.input<typeof samplingSchema>;

const percent = (what: string) =>
  z.string().transform((text, ctx) => {
    const value = bpsOfPercent(text);
    if (value !== null) return value;
    ctx.addIssue({ code: "custom", message: `Enter the ${what} as a percentage from 0 to 100 with at most two decimals` });
    return z.NEVER;
  });

export const samplingFormSchema = z
  .object({ sampleRateBps: percent("sampling rate"), doubleReviewBps: percent("double-review rate") })
  .pipe(samplingSchema);

// ───────────── What the admin page shows ─────────────

export type SeverityRuleView = {
  ref: string;
  name: string;
  severity: Sev;
  /** Null when the stored condition no longer parses; triage skips such a rule. */
  condition: RuleCondition | null;
  enabled: boolean;
};

export type SlaPolicyView = SlaPolicyValues & { source: "project" | "defaults" };

export type TriageSettings = {
  rules: { source: "project" | "defaults"; list: SeverityRuleView[] };
  slaPolicies: SlaPolicyView[];
  sampling: { sampleRateBps: number; doubleReviewBps: number };
};
