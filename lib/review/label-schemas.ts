// What a reviewer's label is made of, shared by the label form and the
// service that stores it. Pure; safe for client code.
import { z } from "zod";

/** Verdicts in the order of their keyboard shortcuts 1–5. */
export const labelVerdicts = [
  { value: "HARMFUL", label: "Harmful", key: "1" },
  { value: "INCORRECT", label: "Incorrect", key: "2" },
  { value: "PRIVACY", label: "Privacy", key: "3" },
  { value: "BENIGN", label: "Benign", key: "4" },
  { value: "FALSE_REFUSAL", label: "False refusal", key: "5" },
] as const;
export type LabelVerdict = (typeof labelVerdicts)[number]["value"];
const verdictValues = labelVerdicts.map((v) => v.value) as [LabelVerdict, ...LabelVerdict[]];

/** The MLCommons hazard taxonomy as Llama Guard 3 numbers it. */
export const hazardCategories = [
  { code: "S1", name: "Violent crimes" },
  { code: "S2", name: "Non-violent crimes" },
  { code: "S3", name: "Sex-related crimes" },
  { code: "S4", name: "Child sexual exploitation" },
  { code: "S5", name: "Defamation" },
  { code: "S6", name: "Specialized advice" },
  { code: "S7", name: "Privacy" },
  { code: "S8", name: "Intellectual property" },
  { code: "S9", name: "Indiscriminate weapons" },
  { code: "S10", name: "Hate" },
  { code: "S11", name: "Suicide and self-harm" },
  { code: "S12", name: "Sexual content" },
  { code: "S13", name: "Elections" },
  { code: "S14", name: "Code interpreter abuse" },
] as const;

/** Project-defined categories are short slugs ("medical-dosage", "competitor"). */
export const customCategorySchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_.:-]{0,47}$/, "Categories are 1–48 letters, digits, '-', '_', '.' or ':'");

export const outcomes = ["resolve", "dismiss"] as const;

export const labelInputSchema = z.object({
  verdict: z.enum(verdictValues, { error: "Choose a verdict (keys 1–5)" }),
  hazardCategories: z.array(z.string().trim().min(1).max(48)).max(32).default([]),
  severity: z.enum(["SEV1", "SEV2", "SEV3", "SEV4"]).optional(),
  notes: z.string().trim().max(10_000).optional(),
  correctedResponse: z.string().trim().max(50_000).optional(),
  outcome: z.enum(outcomes).default("resolve"),
  expectedVersion: z.number().int().min(0),
});
export type LabelInput = z.input<typeof labelInputSchema>;

/** Splits "a, b c" into categories; the standard codes keep their case. */
export function parseCustomCategories(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => (/^s\d{1,2}$/i.test(s) ? s.toUpperCase() : s.toLowerCase()));
}
