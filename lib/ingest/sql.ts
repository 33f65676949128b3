// Builds the single statement that stores a batch: evidence rows, an audit
// event per request and one outbox row, in one round trip and one implicit transaction.
// ON CONFLICT DO NOTHING makes retries idempotent; the audit and outbox rows
// name only the evidence rows that were actually inserted. The evidence rows
// arrive as one binary array per column (column-arrays.ts), the few audit rows
// as JSON.
import { arrayParamType, columnExpr, type Column } from "@/lib/ingest/column-arrays";

export const interactionColumns: Column[] = [
  ["id", "uuid"],
  ["projectId", "uuid"],
  ["environmentId", "uuid"],
  ["requestId", "text"],
  ["occurredAt", "timestamp(3)"],
  ["receivedAt", "timestamp(3)"],
  ["modelProvider", "text"],
  ["modelId", "text"],
  ["modelVersion", "text"],
  ["promptTemplateId", "text"],
  ["promptTemplateVersion", "text"],
  ["promptRedacted", "jsonb"],
  ["responseRedacted", "text"],
  ["originalEnc", "bytea"],
  ["subjectKeyId", "uuid"],
  ["piiKinds", "text[]"],
  ["flagState", "jsonb"],
  ["platform", "text"],
  ["region", "text"],
  ["deviceClass", "text"],
  ["segment", "text"],
  ["locale", "text"],
  ["userRef", "text"],
  ["latencyMs", "integer"],
  ["tokensIn", "integer"],
  ["tokensOut", "integer"],
  ["costMicros", "bigint"],
  ["provenance", "jsonb"],
  ["gateRunId", "text"],
  ["gatePromptKey", "text"],
  ["errorType", "text"],
  ["apiKeyId", "uuid"],
];

export const verdictColumns: Column[] = [
  ["id", "uuid"],
  ["projectId", "uuid"],
  ["requestId", "text"],
  ["eventId", "text"],
  ["classifier", "text"],
  ["classifierVersion", "text"],
  ["scores", "jsonb"],
  ["categories", "text[]"],
  ["decision", '"VerdictDecision"'],
  ["action", '"VerdictAction"'],
  ["occurredAt", "timestamp(3)"],
  ["receivedAt", "timestamp(3)"],
];

export const reportColumns: Column[] = [
  ["id", "uuid"],
  ["projectId", "uuid"],
  ["requestId", "text"],
  ["eventId", "text"],
  ["category", '"ReportCategory"'],
  ["text", "text"],
  ["reporterRef", "text"],
  ["occurredAt", "timestamp(3)"],
  ["receivedAt", "timestamp(3)"],
];

export const outcomeColumns: Column[] = [
  ["id", "uuid"],
  ["projectId", "uuid"],
  ["eventId", "text"],
  ["name", "text"],
  ["value", "double precision"],
  ["userRef", "text"],
  ["flagState", "jsonb"],
  ["requestId", "text"],
  ["occurredAt", "timestamp(3)"],
  ["receivedAt", "timestamp(3)"],
];

export const auditColumns: Column[] = [
  ["orgId", "uuid"],
  ["projectId", "uuid"],
  ["actorType", '"ActorType"'],
  ["actorId", "text"],
  ["actorLabel", "text"],
  ["action", "text"],
  ["targetType", "text"],
  ["targetId", "text"],
  ["metadata", "jsonb"],
  ["createdAt", "timestamp(3)"],
];

const q = (name: string) => `"${name}"`;

/**
 * Each kind's columns. The statement's parameters, in order: the audit rows
 * (JSON), the project id, then each kind's columns in this record's order, one
 * array each (ingest-events.ts passes them so).
 */
export const INGEST_COLUMNS = {
  interaction: interactionColumns,
  verdict: verdictColumns,
  report: reportColumns,
  outcome: outcomeColumns,
} as const satisfies Record<string, readonly Column[]>;
export type IngestKind = keyof typeof INGEST_COLUMNS;
export const INGEST_KINDS = Object.keys(INGEST_COLUMNS) as IngestKind[];

const firstParam = (kind: IngestKind) => {
  let n = 3;
  for (const k of INGEST_KINDS) {
    if (k === kind) return n;
    n += INGEST_COLUMNS[k].length;
  }
  throw new Error(kind);
};

function insertCte(alias: string, table: string, kind: IngestKind, conflict: string, returning = "id") {
  const columns = INGEST_COLUMNS[kind];
  const from = firstParam(kind);
  return `${alias} AS (
    INSERT INTO ${q(table)} (${columns.map(([n]) => q(n)).join(", ")})
    SELECT ${columns.map(([n, t]) => columnExpr(`x.${q(n)}`, t)).join(", ")}
    FROM unnest(${columns.map(([, t], i) => `$${from + i}::${arrayParamType(t)}`).join(", ")}) AS x(${columns.map(([n]) => q(n)).join(", ")})
    ON CONFLICT (${conflict}) DO NOTHING
    RETURNING ${returning}
  )`;
}

export const INGEST_SQL = `
WITH
${insertCte("i_ins", "Interaction", "interaction", `"projectId", "requestId"`, `id, "occurredAt"`)},
${insertCte("v_ins", "Verdict", "verdict", `"projectId", "eventId"`)},
${insertCte("r_ins", "UserReport", "report", `"projectId", "eventId"`)},
${insertCte("b_ins", "BusinessEvent", "outcome", `"projectId", "eventId"`)},
inserted AS (
  SELECT 'interaction' AS kind, id FROM i_ins
  UNION ALL SELECT 'verdict', id FROM v_ins
  UNION ALL SELECT 'report', id FROM r_ins
  UNION ALL SELECT 'outcome', id FROM b_ins
),
a_ins AS (
  -- One audit event per request: its metadata keeps only the events that were
  -- inserted, and a request whose events were all duplicates records none.
  INSERT INTO "AuditEvent" (${auditColumns.map(([n]) => q(n)).join(", ")})
  SELECT ${auditColumns.map((c) => (c[0] === "metadata" ? `(x.metadata - 'events') || jsonb_build_object('events', kept.events)` : `x.${q(c[0])}`)).join(", ")}
  FROM jsonb_to_recordset($1::jsonb) AS x(${auditColumns.map(([n, t]) => `${q(n)} ${t}`).join(", ")})
  CROSS JOIN LATERAL (
    SELECT jsonb_agg(e.ev ORDER BY e.n) AS events
    FROM jsonb_array_elements(x.metadata->'events') WITH ORDINALITY AS e(ev, n)
    WHERE (e.ev->>'id')::uuid IN (SELECT id FROM inserted)
  ) kept
  WHERE kept.events IS NOT NULL
),
o_ins AS (
  INSERT INTO "OutboxEvent" (queue, payload)
  SELECT 'ingest', jsonb_build_object(
    'projectId', $2::text,
    'interactions', COALESCE((SELECT jsonb_agg(id) FROM i_ins), '[]'::jsonb),
    'verdicts', COALESCE((SELECT jsonb_agg(id) FROM v_ins), '[]'::jsonb),
    'reports', COALESCE((SELECT jsonb_agg(id) FROM r_ins), '[]'::jsonb),
    'outcomes', COALESCE((SELECT jsonb_agg(id) FROM b_ins), '[]'::jsonb),
    -- The minutes the interactions fall in: the worker marks those for the rollups without reading the rows back.
    'minutes', COALESCE((SELECT jsonb_agg(DISTINCT date_trunc('minute', "occurredAt")) FROM i_ins), '[]'::jsonb)
  )
  WHERE EXISTS (SELECT 1 FROM inserted)
  RETURNING id, job, payload
)
SELECT kind, id::text AS id, NULL::text AS job, NULL::jsonb AS payload FROM inserted
UNION ALL SELECT 'outbox', id::text, job, payload FROM o_ins`;
