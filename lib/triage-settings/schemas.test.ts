import { describe, expect, it } from "vitest";
import type { ZodType } from "zod";
import { ruleFormSchema, samplingFormSchema, slaPolicyFormSchema, type RuleFormInput, type SlaPolicyFormInput } from "./schemas";
import { bpsOfPercent, canonicalTimeZone, clockOf, durationOf, minuteOfClock, percentOfBps } from "./units";

/** The field errors a form would show, keyed like ActionResult.fieldErrors. */
function fieldErrors(schema: ZodType, input: unknown): Record<string, string> {
  const result = schema.safeParse(input);
  if (result.success) return {};
  return Object.fromEntries(result.error.issues.map((i) => [i.path.join(".") || "form", i.message]));
}

const rule = (condition: Partial<RuleFormInput["condition"]>, over: Partial<Record<"name" | "severity", string>> = {}) => ({
  name: "Weapons",
  severity: "SEV1",
  condition: { categories: "", minScore: "", reportCategories: [], minReports: "", anyClassifierFlag: false, ...condition },
  ...over,
});

describe("rule form", () => {
  it("turns what was typed into a condition, leaving empty fields out", () => {
    expect(ruleFormSchema.parse(rule({ categories: " S9, weapons ,S9,", minScore: "0.5" }))).toEqual({
      name: "Weapons",
      severity: "SEV1",
      condition: { categories: ["S9", "weapons"], minScore: 0.5 },
    });
    expect(ruleFormSchema.parse(rule({ reportCategories: ["PRIVACY"], minReports: "2", anyClassifierFlag: true })).condition).toEqual({
      minScore: 0,
      reportCategories: ["PRIVACY"],
      minReports: 2,
      anyClassifierFlag: true,
    });
  });

  it("needs at least one condition; a minimum score alone is not one", () => {
    expect(fieldErrors(ruleFormSchema, rule({}))).toEqual({ condition: "A rule needs at least one condition" });
    expect(fieldErrors(ruleFormSchema, rule({ minScore: "0.7" }))).toEqual({ condition: "A rule needs at least one condition" });
  });

  it.each([
    [{ minScore: "1.5", categories: "S9" }, "condition.minScore"],
    [{ minScore: "high", categories: "S9" }, "condition.minScore"],
    [{ minReports: "0" }, "condition.minReports"],
    [{ minReports: "2.5" }, "condition.minReports"],
  ])("names the field of a bad value: %o", (condition, field) => {
    expect(Object.keys(fieldErrors(ruleFormSchema, rule(condition)))).toEqual([field]);
  });

  it("needs a name and a known severity", () => {
    expect(Object.keys(fieldErrors(ruleFormSchema, rule({ anyClassifierFlag: true }, { name: "  ", severity: "SEV5" })))).toEqual(["severity"]);
    expect(Object.keys(fieldErrors(ruleFormSchema, rule({ anyClassifierFlag: true }, { name: "  " })))).toEqual(["name"]);
  });
});

const sla = (over: Partial<SlaPolicyFormInput> = {}): SlaPolicyFormInput => ({
  severity: "SEV2",
  firstTriageSeconds: { value: "2", unit: "hours" },
  resolutionSeconds: { value: "24", unit: "hours" },
  atRiskPercent: "75",
  calendar: "BUSINESS",
  timeZone: "europe/berlin",
  workingDays: ["5", "1", "2"],
  workStartMinute: "09:00",
  workEndMinute: "24:00",
  ...over,
});

describe("SLA policy form", () => {
  it("stores targets in seconds, times as minutes after midnight and the canonical zone", () => {
    expect(slaPolicyFormSchema.parse(sla({ firstTriageSeconds: { value: "1.5", unit: "minutes" } }))).toEqual({
      severity: "SEV2",
      firstTriageSeconds: 90,
      resolutionSeconds: 86_400,
      atRiskPercent: 75,
      calendar: "BUSINESS",
      timeZone: "Europe/Berlin",
      workingDays: [1, 2, 5],
      workStartMinute: 540,
      workEndMinute: 1440,
    });
  });

  it("explains a calendar problem in the form's words", () => {
    expect(fieldErrors(slaPolicyFormSchema, sla({ workEndMinute: "08:00" }))).toEqual({ workEndMinute: "Work end (08:00) must be after work start (09:00)" });
  });

  it("refuses a resolution target shorter than the first-triage target", () => {
    expect(fieldErrors(slaPolicyFormSchema, sla({ resolutionSeconds: { value: "90", unit: "minutes" } }))).toEqual({
      resolutionSeconds: "The resolution target must be at least as long as the first-triage target",
    });
  });

  it.each([
    [{ timeZone: "Mars/Olympus_Mons" }, "timeZone"],
    [{ timeZone: "+02:00" }, "timeZone"],
    [{ workingDays: [] }, "workingDays"],
    [{ workingDays: ["8"] }, "workingDays"],
    [{ workStartMinute: "9am" }, "workStartMinute"],
    [{ workEndMinute: "08:00" }, "workEndMinute"],
    [{ atRiskPercent: "100" }, "atRiskPercent"],
    [{ atRiskPercent: "0" }, "atRiskPercent"],
    [{ firstTriageSeconds: { value: "0", unit: "hours" as const } }, "firstTriageSeconds"],
    [{ resolutionSeconds: { value: "9000", unit: "hours" as const } }, "resolutionSeconds"],
  ])("names the field of a bad value: %o", (over, field) => {
    expect(Object.keys(fieldErrors(slaPolicyFormSchema, sla(over)))).toEqual([field]);
  });
});

describe("sampling form", () => {
  it("stores percentages with two decimals as basis points", () => {
    expect(samplingFormSchema.parse({ sampleRateBps: "2.5", doubleReviewBps: "0.29 %" })).toEqual({ sampleRateBps: 250, doubleReviewBps: 29 });
    expect(samplingFormSchema.parse({ sampleRateBps: "100", doubleReviewBps: "0" })).toEqual({ sampleRateBps: 10_000, doubleReviewBps: 0 });
  });

  it.each(["2.555", "100.01", "-1", "", "one"])("refuses %j", (value) => {
    expect(Object.keys(fieldErrors(samplingFormSchema, { sampleRateBps: value, doubleReviewBps: "0" }))).toEqual(["sampleRateBps"]);
  });
});

describe("units", () => {
  it("shows whole hours as hours and anything else as minutes", () => {
    expect(durationOf(7200)).toEqual({ value: "2", unit: "hours" });
    expect(durationOf(1800)).toEqual({ value: "30", unit: "minutes" });
    expect(durationOf(90)).toEqual({ value: "1.5", unit: "minutes" });
  });

  it("round-trips clock times and percentages", () => {
    expect(clockOf(540)).toBe("09:00");
    expect(minuteOfClock(clockOf(1440))).toBe(1440);
    expect(minuteOfClock("24:01")).toBeNull();
    expect(minuteOfClock("9:05")).toBe(545);
    expect(bpsOfPercent(percentOfBps(250))).toBe(250);
  });

  it("knows real IANA zones only", () => {
    expect(canonicalTimeZone("UTC")).toBe("UTC");
    expect(canonicalTimeZone("America/New_York")).toBe("America/New_York");
    expect(canonicalTimeZone("Europe/Atlantis")).toBeNull();
  });
});
