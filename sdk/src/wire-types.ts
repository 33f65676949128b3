// The wire contract with a Rampart server, as TypeScript types. The ingest
// event shapes mirror the server's zod schemas (lib/ingest/schemas.ts in the
// Rampart repository); the flag types follow OFREP's bulk evaluation plus
// Rampart's metadata. Kept by hand so the SDK has no dependency on the app.

/** Server-side limits of POST /api/v1/events. */
export const INGEST_LIMITS = { maxEvents: 500, maxBytes: 1024 * 1024 } as const;

// ── Ingest events ─────────────────────────────────────────────────────────────

export type ChatMessage = {
  role: "system" | "user" | "assistant" | "tool" | "developer";
  content: string | { type: "text"; text: string }[];
  name?: string;
};

/** What a flag served for one interaction (value: at most 1000 characters when a string). */
export type FlagStateEntry = {
  value: boolean | number | string | null;
  variant?: string;
  version?: number;
};

export type Cohort = {
  platform?: string;
  region?: string;
  deviceClass?: string;
  segment?: string;
  locale?: string;
};

export type ProvenanceSpan = { start: number; end: number; source: "own_data" | "inferred" | "guess" };

export type ModelRef = { provider: string; id: string; version?: string };
export type PromptTemplateRef = { id: string; version?: string };

export type InteractionEvent = {
  type: "interaction";
  /** Client-generated; verdicts and reports point at it. Retrying with the same id is a no-op. */
  requestId: string;
  /** ISO-8601 date-time with offset. */
  occurredAt: string;
  environment?: string;
  model: ModelRef;
  promptTemplate?: PromptTemplateRef;
  prompt: string | ChatMessage[];
  response: string;
  /** At most 200 flags. */
  flags?: Record<string, FlagStateEntry>;
  cohort?: Cohort;
  /** The app's own user id; the server stores only a keyed hash of it. */
  userId?: string;
  latencyMs?: number;
  tokens?: { input?: number; output?: number };
  /** Cost of the call in currency units (e.g. 0.0042). */
  cost?: number;
  provenance?: ProvenanceSpan[];
  gateRunId?: string;
  /** The suite prompt (its key) this interaction of a gate run answers. */
  gatePromptKey?: string;
  /** The LLM call failed: its error type (timeout, provider_error, …). Feeds the error-rate rollback rules. */
  error?: { type: string };
};

export type VerdictDecision = "pass" | "flag" | "block";

export type VerdictEvent = {
  type: "verdict";
  eventId: string;
  requestId: string;
  occurredAt: string;
  classifier: { name: string; version?: string };
  /** Category → score in [0, 1]; at most 100 categories. */
  scores: Record<string, number>;
  /** Categories the classifier flagged; the server defaults to those scoring ≥ 0.5. */
  categories?: string[];
  decision: VerdictDecision;
  action?: "none" | "redacted" | "fallback";
};

export type ReportCategory = "harmful" | "incorrect" | "privacy" | "other";

export type ReportEvent = {
  type: "report";
  eventId: string;
  requestId: string;
  occurredAt: string;
  category: ReportCategory;
  text?: string;
  reporterId?: string;
};

/** A business outcome (task completed, handle time, satisfaction) with the flags the user saw; feeds the ROI dashboard. */
export type OutcomeEvent = {
  type: "outcome";
  eventId: string;
  occurredAt: string;
  /** Letters, digits and _ . : - (e.g. "task_completed", "handle_time_s"). */
  name: string;
  value: number;
  flags?: Record<string, FlagStateEntry>;
  requestId?: string;
  userId?: string;
};

export type IngestEvent = InteractionEvent | VerdictEvent | ReportEvent | OutcomeEvent;

export type EventStatus =
  | { index: number; type: string | null; id: string | null; status: "accepted" | "duplicate" }
  | {
      index: number;
      type: string | null;
      id: string | null;
      status: "rejected";
      errors: { path: string; message: string }[];
    };

/** 200 answer of POST /api/v1/events. */
export type IngestResponse = { accepted: number; duplicate: number; rejected: number; results: EventStatus[] };

/** Error body of every non-2xx answer of the public API. */
export type ApiErrorBody = { error: { code: string; message: string; details?: unknown } };

// ── Flags (OFREP bulk evaluation) ─────────────────────────────────────────────

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** OFREP evaluation context: a targeting key plus attributes (strings or lists of strings are used for targeting). */
export type EvaluationContext = { targetingKey?: string } & Record<string, unknown>;

export type FlagKind = "KILL_SWITCH" | "RELEASE" | "MULTIVARIATE";

/** Rampart's per-flag metadata. Any other keys the server sends are kept. */
export type FlagMetadata = {
  kind?: FlagKind | (string & {});
  /** Marks a non-kill-switch flag as safety-relevant: it fails safe (off) when stale. */
  safety?: boolean;
  /** The applied flag version that produced the value. */
  version?: number;
  /** The variant served when the feature is off (disabled, killed, outside the rollout). */
  fallbackVariant?: string;
  [key: string]: unknown;
};

/** OFREP's reasons, Rampart's COST_LIMIT, and the SDK's own STALE. */
export type EvaluationReason =
  "STATIC" | "DEFAULT" | "TARGETING_MATCH" | "SPLIT" | "DISABLED" | "ERROR" | "COST_LIMIT" | "STALE" | (string & {});

export type FlagEvaluationSuccess = {
  key: string;
  value: JsonValue;
  reason?: EvaluationReason;
  variant?: string;
  metadata?: FlagMetadata;
};

export type FlagEvaluationFailure = {
  key: string;
  errorCode: string;
  errorDetails?: string;
  metadata?: FlagMetadata;
};

export type EventStream = { type: "sse" | (string & {}); url: string; inactivityDelaySec?: number };

/** 200 answer of POST /ofrep/v1/evaluate/flags. */
export type BulkEvaluationResponse = {
  flags: (FlagEvaluationSuccess | FlagEvaluationFailure)[];
  eventStreams?: EventStream[];
  metadata?: Record<string, unknown>;
};

/** The JSON `data` of an SSE `message` event on a flag event stream. */
export type FlagStreamMessage =
  { type: "refetchEvaluation"; etag?: string; lastModified?: number | string } | { type: string };
