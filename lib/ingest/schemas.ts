// The public ingest contract: one schema per event kind, shared by the route
// handlers, the OpenAPI document and the SDK. Every string is checked for
// well-formed Unicode and NUL bytes, which Postgres cannot store faithfully.
import { z } from "zod";

export const INGEST_LIMITS = {
  maxEvents: 500,
  maxBytes: 1024 * 1024,
} as const;

const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => s.isWellFormed(), "must be well-formed Unicode (no lone surrogates)")
    .refine((s) => !s.includes("\u0000"), "must not contain NUL characters");

/** Largest value of a Postgres integer column. */
export const INT32_MAX = 2_147_483_647;
/** Limits the schemas below and the fast path in front of them (fast-parse.ts) share. */
export const MAX_TEXT = 512 * 1024;
export const MAX_LATENCY_MS = 3_600_000;
export const MAX_COST = 1_000_000;
export const OUTCOME_NAME = /^[A-Za-z0-9_.:-]+$/;
const id = text(200).min(1, "is required");
const key = text(100).min(1);
// Times are stored as their UTC ISO string: Postgres has no year 0 (a "0000-…" time, or
// "0001-01-01T00:00:00+01:00", failed the batch with a 500), and a UTC year past 9999
// ("9999-12-31T23:59:59-01:00" is "+010000-…") is a string it cannot read.
const timestamp = z.iso
  .datetime({ offset: true, message: "must be an ISO-8601 date-time" })
  .refine((s) => new Date(s).getUTCFullYear() >= 1, "must be in year 1 or later")
  .refine((s) => new Date(s).getUTCFullYear() <= 9999, "must be in year 9999 or earlier (in UTC)");

const messagePart = z.object({ type: z.literal("text"), text: text(MAX_TEXT) });
export const chatMessageSchema = z.object({
  role: z.enum(["system", "user", "assistant", "tool", "developer"]),
  content: z.union([text(MAX_TEXT), z.array(messagePart).max(100)]),
  name: text(200).optional(),
});

const flagStateSchema = z
  .record(
    key,
    z.object({
      value: z.union([z.boolean(), z.number().finite(), text(1000), z.null()]),
      variant: text(200).optional(),
      version: z.number().int().min(0).optional(),
    }),
  )
  .refine((r) => Object.keys(r).length <= 200, "at most 200 flags");

export const cohortSchema = z.object({
  platform: text(50).optional(),
  region: text(50).optional(),
  deviceClass: text(50).optional(),
  segment: text(100).optional(),
  locale: text(35).optional(),
});

export const provenanceSpanSchema = z.object({
  start: z.number().int().min(0),
  end: z.number().int().min(0),
  source: z.enum(["own_data", "inferred", "guess"]),
});

export const interactionEventSchema = z.object({
  type: z.literal("interaction"),
  requestId: id,
  occurredAt: timestamp,
  environment: key.optional(),
  model: z.object({ provider: key, id: text(200).min(1), version: text(100).optional() }),
  promptTemplate: z.object({ id: text(200).min(1), version: text(100).optional() }).optional(),
  prompt: z.union([text(MAX_TEXT), z.array(chatMessageSchema).min(1).max(500)]),
  response: text(MAX_TEXT),
  flags: flagStateSchema.default({}),
  cohort: cohortSchema.default({}),
  /** The app's own user id; stored only as a keyed hash. */
  userId: text(200).optional(),
  latencyMs: z.number().int().min(0).max(MAX_LATENCY_MS).optional(),
  // Stored as 32-bit integers: a larger count would fail in Postgres (a 5xx) instead of here.
  tokens: z.object({ input: z.number().int().min(0).max(INT32_MAX).optional(), output: z.number().int().min(0).max(INT32_MAX).optional() }).optional(),
  /** Cost of the call in currency units (e.g. 0.0042 USD); stored in millionths. */
  cost: z.number().finite().min(0).max(MAX_COST).optional(),
  provenance: z.array(provenanceSpanSchema).max(1000).optional(),
  /** Release gate: the run this interaction belongs to and the suite prompt it answers. */
  gateRunId: text(200).optional(),
  gatePromptKey: text(200).optional(),
  /** The LLM call failed (the response is then what the app served instead, often empty): its error type. */
  error: z.object({ type: text(100).min(1) }).optional(),
});

export const verdictEventSchema = z.object({
  type: z.literal("verdict"),
  eventId: id,
  requestId: id,
  occurredAt: timestamp,
  classifier: z.object({ name: key, version: text(100).optional() }),
  scores: z
    .record(key, z.number().finite().min(0).max(1))
    .refine((r) => Object.keys(r).length <= 100, "at most 100 categories"),
  /** Categories the classifier flagged; defaults to those scoring 0.5 or more. */
  categories: z.array(key).max(100).optional(),
  decision: z.enum(["pass", "flag", "block"]),
  action: z.enum(["none", "redacted", "fallback"]).default("none"),
});

export const reportEventSchema = z.object({
  type: z.literal("report"),
  eventId: id,
  requestId: id,
  occurredAt: timestamp,
  category: z.enum(["harmful", "incorrect", "privacy", "other"]),
  text: text(10_000).optional(),
  reporterId: text(200).optional(),
});

/**
 * A business outcome (task completed, handle time, satisfaction score) with the
 * flags the user saw: the ROI dashboard compares exposed and control cohorts.
 */
export const outcomeEventSchema = z.object({
  type: z.literal("outcome"),
  eventId: id,
  occurredAt: timestamp,
  /** Metric name, e.g. "task_completed" (1/0), "handle_time_s", "csat". */
  name: key.regex(OUTCOME_NAME, "letters, digits and _ . : - only"),
  value: z.number().finite(),
  flags: flagStateSchema.default({}),
  /** The interaction this outcome followed, when there is one. */
  requestId: id.optional(),
  userId: text(200).optional(),
});

export const ingestEventSchema = z.discriminatedUnion("type", [interactionEventSchema, verdictEventSchema, reportEventSchema, outcomeEventSchema]);

export const ingestBatchSchema = z.object({
  events: z.array(z.unknown()).min(1, "must contain at least one event").max(INGEST_LIMITS.maxEvents),
});

/** POST /api/v1/reports: one report; eventId is optional there (a button click). */
export const singleReportSchema = reportEventSchema.omit({ type: true, eventId: true, occurredAt: true }).extend({
  eventId: id.optional(),
  occurredAt: timestamp.optional(),
});

export type InteractionEvent = z.infer<typeof interactionEventSchema>;
export type VerdictEvent = z.infer<typeof verdictEventSchema>;
export type ReportEvent = z.infer<typeof reportEventSchema>;
export type OutcomeEvent = z.infer<typeof outcomeEventSchema>;
export type IngestEvent = z.infer<typeof ingestEventSchema>;

export type EventStatus =
  | { index: number; type: string | null; id: string | null; status: "accepted" | "duplicate" }
  | { index: number; type: string | null; id: string | null; status: "rejected"; errors: { path: string; message: string }[] };
