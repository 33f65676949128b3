// What an export is asked for: its format and the filter over labeled items,
// shared by the export form, the service that records the request and the
// worker that reads it back from the Export row. Pure; safe for client code.
import { z } from "zod";
import { labelVerdicts, type LabelVerdict } from "@/lib/review/label-schemas";

export const exportFormats = ["OPENAI_CHAT", "OPENAI_DPO", "TRL_PREFERENCE", "TRL_KTO", "CLASSIFIER", "CSV"] as const;
export type ExportFormat = (typeof exportFormats)[number];

/** Bumped when a format's row shape changes; recorded on the Export row and in the manifest. */
export const EXPORT_SCHEMA_VERSION = 1;

export const formatInfo: Record<
  ExportFormat,
  { name: string; extension: "jsonl" | "csv"; contentType: string; description: string }
> = {
  OPENAI_CHAT: {
    name: "OpenAI chat fine-tuning",
    extension: "jsonl",
    contentType: "application/x-ndjson",
    description: "The conversation with the corrected (or approved) response as the assistant turn.",
  },
  OPENAI_DPO: {
    name: "OpenAI preference (DPO)",
    extension: "jsonl",
    contentType: "application/x-ndjson",
    description: "Corrected response preferred over the original output.",
  },
  TRL_PREFERENCE: {
    name: "TRL preference",
    extension: "jsonl",
    contentType: "application/x-ndjson",
    description: "prompt / chosen / rejected, chosen = corrected response.",
  },
  TRL_KTO: {
    name: "TRL unpaired (KTO)",
    extension: "jsonl",
    contentType: "application/x-ndjson",
    description: "prompt / completion / label: the original output judged, plus the correction as desirable.",
  },
  CLASSIFIER: {
    name: "Classifier training",
    extension: "jsonl",
    contentType: "application/x-ndjson",
    description: "Output text with its verdict, hazard categories and severity.",
  },
  CSV: {
    name: "CSV of labeled items",
    extension: "csv",
    contentType: "text/csv; charset=utf-8",
    description: "One row per item with its settled label, for spreadsheets.",
  },
};

export const severities = ["SEV1", "SEV2", "SEV3", "SEV4"] as const;
export type Severity = (typeof severities)[number];

const verdictValues = labelVerdicts.map((v) => v.value) as [LabelVerdict, ...LabelVerdict[]];

/** Which settled items qualify by how their label came about. */
export const agreementModes = ["any", "agreed_or_adjudicated"] as const;
export type AgreementMode = (typeof agreementModes)[number];

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date such as 2026-01-31")
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), "Not a calendar date");
const shortText = (max: number) => z.string().trim().min(1).max(max);

export const exportFilterSchema = z
  .object({
    /** Settled-label date, inclusive, UTC days. */
    labeledFrom: day.optional(),
    labeledTo: day.optional(),
    verdicts: z.array(z.enum(verdictValues)).max(verdictValues.length).optional(),
    /** Any of these hazard categories on the label. */
    categories: z.array(shortText(48)).max(50).optional(),
    severities: z.array(z.enum(severities)).max(severities.length).optional(),
    modelId: shortText(200).optional(),
    modelVersion: shortText(200).optional(),
    /** Interactions that evaluated this flag… */
    flagKey: shortText(100).optional(),
    /** …and got this value or variant ("true", "off", "mini"). */
    flagValue: shortText(100).optional(),
    agreement: z.enum(agreementModes).default("any"),
  })
  .strict()
  .refine((f) => !f.labeledFrom || !f.labeledTo || f.labeledFrom <= f.labeledTo, {
    path: ["labeledTo"],
    message: "The end date is before the start date",
  })
  .refine((f) => !f.flagValue || f.flagKey, { path: ["flagValue"], message: "Name the flag whose value to match" });
export type ExportFilter = z.infer<typeof exportFilterSchema>;

export const createExportSchema = z.object({
  format: z.enum(exportFormats),
  filter: exportFilterSchema,
  includePii: z.boolean().default(false),
});
export type CreateExportInput = z.input<typeof createExportSchema>;

/** The filter as a person reads it, for the history table and the manifest. */
export function describeFilter(f: ExportFilter): string {
  const parts: string[] = [];
  if (f.labeledFrom || f.labeledTo) parts.push(`labeled ${f.labeledFrom ?? "…"} to ${f.labeledTo ?? "…"}`);
  if (f.verdicts?.length) parts.push(`verdict ${f.verdicts.join("/")}`);
  if (f.categories?.length) parts.push(`categories ${f.categories.join(", ")}`);
  if (f.severities?.length) parts.push(`severity ${f.severities.join("/")}`);
  if (f.modelId) parts.push(`model ${f.modelId}`);
  if (f.modelVersion) parts.push(`model version ${f.modelVersion}`);
  if (f.flagKey) parts.push(`flag ${f.flagKey}${f.flagValue ? ` = ${f.flagValue}` : ""}`);
  if (f.agreement === "agreed_or_adjudicated") parts.push("agreed or adjudicated only");
  return parts.length ? parts.join("; ") : "every settled label";
}
