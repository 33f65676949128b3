// Reads the labeled items of one export as a stream of batches: a server-side
// cursor in one read-only, repeatable-read transaction, so the count and the
// rows come from the same snapshot and memory stays flat at any size.
// Filters on the interaction run in SQL; filters on the settled label run
// here, after the label is known. Personal data stays redacted (the stored
// redacted copies, and reviewer text passed through lib/pii) unless the
// export may include it, in which case the encrypted originals are opened.
import "server-only";
import type pg from "pg";
import { redactText } from "@/lib/pii/detect";
import { open } from "@/lib/crypto/secretbox";
import { promptMessages, type ExportRecord, type SkipReason } from "@/lib/exports/formats";
import { settledLabel, type Agreement, type ExportLabel } from "@/lib/exports/settled-label";
import type { ExportFilter } from "@/lib/exports/schemas";

export type RecordBatch = { records: ExportRecord[]; skipped: SkipReason[]; scanned: number };

/**
 * One label of a candidate item, with its item and interaction, as the array
 * the driver returns (rowMode "array": no object per row), in the column
 * order of exportQuery. An item's labels arrive together (an item is one
 * request id of the project). The details (item id, model, time, notes) are
 * null unless read.
 */
type Row = [
  id: string | null,
  requestId: string,
  needsSecondReview: boolean,
  prompt: unknown,
  response: string,
  modelId: string | null,
  modelVersion: string | null,
  occurredAt: number | null,
  kind: ExportLabel["kind"],
  verdict: string,
  hazardCategories: string[] | null,
  severity: string | null,
  notes: string | null,
  correctedResponse: string | null,
  labeledAt: number,
  originalEnc: Buffer | null,
  subjectKeyId: string | null,
];
const ID = 0,
  REQUEST_ID = 1,
  NEEDS_SECOND_REVIEW = 2,
  PROMPT = 3,
  RESPONSE = 4,
  MODEL_ID = 5,
  MODEL_VERSION = 6,
  OCCURRED_AT = 7,
  KIND = 8,
  VERDICT = 9,
  HAZARD_CATEGORIES = 10,
  SEVERITY = 11,
  NOTES = 12,
  CORRECTED_RESPONSE = 13,
  LABELED_AT = 14,
  ORIGINAL_ENC = 15,
  SUBJECT_KEY_ID = 16;

/** Conditions on the interaction (alias i) that run in SQL; $1 is the project. */
function interactionFilters(projectId: string, filter: ExportFilter): { where: string[]; params: unknown[] } {
  const params: unknown[] = [projectId];
  const where: string[] = [];
  if (filter.modelId) where.push(`i."modelId" = $${params.push(filter.modelId)}`);
  if (filter.modelVersion) where.push(`i."modelVersion" = $${params.push(filter.modelVersion)}`);
  if (filter.flagKey) {
    const key = `$${params.push(filter.flagKey)}`;
    where.push(`i."flagState" ? ${key}`);
    if (filter.flagValue) {
      const value = `$${params.push(filter.flagValue)}`;
      where.push(
        `(i."flagState" -> ${key} ->> 'value' = ${value} OR i."flagState" -> ${key} ->> 'variant' = ${value})`,
      );
    }
  }
  return { where, params };
}

/**
 * The planner's estimate of the candidate items (labeled items of the project
 * whose interaction matches), for progress: an exact count would cost a
 * second pass over everything the export reads.
 */
function estimateQuery(projectId: string, filter: ExportFilter): { text: string; params: unknown[] } {
  const { where, params } = interactionFilters(projectId, filter);
  return {
    text: `EXPLAIN (FORMAT JSON) SELECT 1 FROM "TriageItem" t
      JOIN "Interaction" i ON i."projectId" = t."projectId" AND i."requestId" = t."requestId"
      WHERE t."projectId" = $1::uuid AND EXISTS (SELECT 1 FROM "Label" x WHERE x."triageItemId" = t.id)${where.map((w) => ` AND ${w}`).join("")}`,
    params,
  };
}

// Timestamps are timestamp(3) holding UTC; as epoch milliseconds they need no parsing.
// (Epoch milliseconds are integers well within a float8: exact both in Postgres and in JSON.)
const epochMs = (col: string) => `(extract(epoch FROM ${col}) * 1000)::float8`;

/**
 * The SELECT the export streams (and the benchmark copies out as its floor):
 * one row per label of a candidate item, in the column order of Row, ordered
 * so that each item's labels are adjacent, oldest first. Labels carry their
 * item's request id (set by a trigger, see the migration label_request_id),
 * so the three tables are read in (projectId, requestId) order through their
 * indexes and merged: no hash, no sort, and rows flow from the first moment,
 * while the worker encodes the ones before. (An item is unique by project and
 * request id, so the request id finds the label's item.) Timestamps come as
 * epoch milliseconds and hazard categories as JSON, which the driver reads
 * without its array parser.
 *
 * Measured (1M items, one backend): this plan takes ~4 s and streams at once;
 * the hash joins and sort it replaced took ~7 s, the first row after ~4 s.
 * Without `details` (every format but CSV), the columns only CSV shows are
 * sent as NULL: measured, ~15 % less CPU both in Postgres and in the worker.
 * Measured and not kept: one json_build_array column per row (a third less
 * parsing in the worker, but ~7 s more per million rows in Postgres).
 */
export function exportQuery(
  projectId: string,
  filter: ExportFilter,
  includePii: boolean,
  details: boolean,
): { text: string; params: unknown[] } {
  const { where, params } = interactionFilters(projectId, filter);
  const shown = (column: string, type: string) => (details ? column : `NULL::${type}`);
  return {
    text: `SELECT ${shown("t.id", "uuid")}, t."requestId", t."needsSecondReview", i."promptRedacted", i."responseRedacted",
        ${shown(`i."modelId"`, "text")}, ${shown(`i."modelVersion"`, "text")}, ${shown(epochMs(`i."occurredAt"`), "float8")},
        l.kind, l.verdict, array_to_json(l."hazardCategories"), l.severity, ${shown("l.notes", "text")}, l."correctedResponse",
        ${epochMs(`l."createdAt"`)}, ${includePii ? `i."originalEnc", i."subjectKeyId"` : `NULL::bytea, NULL::uuid`}
      FROM "Label" l
      JOIN "TriageItem" t ON t."projectId" = l."projectId" AND t."requestId" = l."requestId"
      JOIN "Interaction" i ON i."projectId" = l."projectId" AND i."requestId" = l."requestId"
      WHERE l."projectId" = $1::uuid${where.map((w) => ` AND ${w}`).join("")}
      ORDER BY l."requestId", l."createdAt", l.id`,
    params,
  };
}

/** The filters on the settled label, with the date bounds worked out once. */
function labelMatcher(filter: ExportFilter): (label: ExportLabel, agreement: Agreement) => boolean {
  const from = filter.labeledFrom ? Date.parse(`${filter.labeledFrom}T00:00:00.000Z`) : null;
  const until = filter.labeledTo ? Date.parse(`${filter.labeledTo}T00:00:00.000Z`) + 86_400_000 : null;
  const verdicts: readonly string[] | undefined = filter.verdicts?.length ? filter.verdicts : undefined;
  const severities: readonly string[] | undefined = filter.severities?.length ? filter.severities : undefined;
  const categories = filter.categories?.length ? new Set(filter.categories) : undefined;
  return (label, agreement) => {
    if (filter.agreement === "agreed_or_adjudicated" && agreement === "single") return false;
    if (verdicts && !verdicts.includes(label.verdict)) return false;
    if (severities && (!label.severity || !severities.includes(label.severity))) return false;
    if (categories && !label.hazardCategories.some((c) => categories.has(c))) return false;
    if (from !== null && label.createdAt.getTime() < from) return false;
    if (until !== null && label.createdAt.getTime() >= until) return false;
    return true;
  };
}

const redacted = (text: string | null) => (text ? redactText(text).text : text);

export type ReadOptions = {
  projectId: string;
  filter: ExportFilter;
  includePii: boolean;
  /** Read each record's details (readsDetails of the format). */
  details: boolean;
  batchSize?: number;
};
type Context = ReadOptions & { matches: ReturnType<typeof labelMatcher>; keys: Map<string, Buffer | null> };

/** Most rows per FETCH: enough that round trips and per-batch work vanish. */
export const DEFAULT_BATCH_SIZE = 2_000;
/**
 * About how many characters of text a batch may hold: batches shrink when
 * prompts and responses are long, so that memory stays flat whatever the
 * rows hold (two batches are in memory at a time: one read, one encoded).
 */
const BATCH_CHARS = 4_000_000;
/** The first batch, before anything is known about the size of the rows. */
const FIRST_BATCH = 200;

/** About how many characters a row holds, cheaply: its long texts. */
function rowChars(row: Row): number {
  let n = 200 + row[RESPONSE].length + (row[NOTES]?.length ?? 0) + (row[CORRECTED_RESPONSE]?.length ?? 0);
  const prompt = row[PROMPT];
  if (typeof prompt === "string") n += prompt.length;
  else if (Array.isArray(prompt))
    for (const m of prompt as unknown[]) {
      const content = (m as { content?: unknown } | null)?.content;
      n += typeof content === "string" ? content.length + 30 : 1_000;
    }
  else n += 1_000;
  if (row[ORIGINAL_ENC]) n += row[ORIGINAL_ENC].length * 2;
  return n;
}

/** Rows for the next FETCH, from the size of the rows just read. */
function nextBatchSize(rows: Row[], most: number): number {
  if (rows.length === 0) return most;
  let chars = 0;
  for (const row of rows) chars += rowChars(row);
  return Math.max(10, Math.min(most, Math.floor(BATCH_CHARS / (chars / rows.length))));
}

/**
 * Estimates how many candidate items there are, then yields them in batches. The caller owns
 * `client` (a dedicated connection) and must keep it for the whole read.
 */
export async function* readRecords(
  client: pg.ClientBase,
  opts: ReadOptions,
  onTotal: (total: number) => Promise<void>,
): AsyncGenerator<RecordBatch> {
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  const query = exportQuery(opts.projectId, opts.filter, opts.includePii, opts.details);
  const estimate = estimateQuery(opts.projectId, opts.filter);
  // Subject keys opened once per export; null for a shredded key.
  const keys = new Map<string, Buffer | null>();
  const ctx: Context = { ...opts, matches: labelMatcher(opts.filter), keys };
  await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  let committed = false;
  let next: Promise<pg.QueryResult<Row>> | null = null;
  try {
    const { rows: plan } = await client.query<{ "QUERY PLAN": [{ Plan: { "Plan Rows": number } }] }>(
      estimate.text,
      estimate.params,
    );
    await onTotal(Math.max(0, Math.round(plan[0]?.["QUERY PLAN"][0].Plan["Plan Rows"] ?? 0)));
    // Every row will be read: plan for the whole result, not the first few.
    await client.query("SET LOCAL cursor_tuple_fraction = 1");
    await client.query(`DECLARE export_rows NO SCROLL CURSOR FOR ${query.text}`, query.params);
    // Rows as arrays: no object with named keys per row.
    let requested = Math.min(batchSize, FIRST_BATCH);
    const fetch = (n: number) => {
      requested = n;
      return client.query<Row>({ text: `FETCH ${n} FROM export_rows`, rowMode: "array" });
    };
    // The labels of the item being read; its last rows may come in the next batch. Reused from item to item.
    const group: Row[] = [];
    let pending: Promise<pg.QueryResult<Row>> = fetch(requested);
    next = pending;
    for (;;) {
      const { rows } = await pending;
      const last = rows.length < requested;
      // Postgres reads the next batch while this one is encoded and written.
      if (!last) next = pending = fetch(nextBatchSize(rows, batchSize));
      else next = null;
      if (opts.includePii) await loadKeys(client, rows, keys);
      const batch: RecordBatch = { records: [], skipped: [], scanned: 0 };
      const settle = () => {
        const record = toRecord(group, ctx);
        if (typeof record === "string") batch.skipped.push(record);
        else batch.records.push(record);
        batch.scanned++;
        group.length = 0;
      };
      for (const row of rows) {
        if (group.length > 0 && group[0]![REQUEST_ID] !== row[REQUEST_ID]) settle();
        group.push(row);
      }
      if (last && group.length > 0) settle();
      if (batch.scanned > 0 || last) yield batch;
      if (last) break;
    }
    await client.query("CLOSE export_rows");
    await client.query("COMMIT");
    committed = true;
  } finally {
    // Also when the consumer stops early (a cancelled export): end the transaction before the connection goes back to the pool.
    if (!committed) {
      await next?.catch(() => undefined);
      await client.query("ROLLBACK").catch(() => undefined);
    }
  }
}

async function loadKeys(client: pg.ClientBase, rows: Row[], keys: Map<string, Buffer | null>) {
  const missing = [
    ...new Set(rows.map((r) => r[SUBJECT_KEY_ID]).filter((id): id is string => id !== null && !keys.has(id))),
  ];
  if (missing.length === 0) return;
  const { rows: found } = await client.query<{ id: string; keyEnc: Buffer | null }>(
    `SELECT id, "keyEnc" FROM "SubjectKey" WHERE id = ANY($1::uuid[])`,
    [missing],
  );
  for (const id of missing) keys.set(id, null);
  for (const k of found) keys.set(k.id, k.keyEnc ? open(k.keyEnc) : null);
}

function original(row: Row, keys: Map<string, Buffer | null>): { prompt: unknown; response: string } | null {
  const enc = row[ORIGINAL_ENC];
  const keyId = row[SUBJECT_KEY_ID];
  if (!enc || !keyId) return null;
  const key = keys.get(keyId);
  if (!key) return null;
  const parsed = JSON.parse(open(enc, key).toString("utf8")) as {
    prompt?: unknown;
    response?: unknown;
  };
  return typeof parsed.response === "string" ? { prompt: parsed.prompt, response: parsed.response } : null;
}

function exportLabel(r: Row): ExportLabel {
  return {
    kind: r[KIND],
    verdict: r[VERDICT],
    hazardCategories: r[HAZARD_CATEGORIES] ?? [],
    severity: r[SEVERITY],
    notes: r[NOTES],
    correctedResponse: r[CORRECTED_RESPONSE],
    createdAt: new Date(r[LABELED_AT]),
  };
}

function toRecord(rows: Row[], ctx: Context): ExportRecord | SkipReason {
  const row = rows[0]!;
  const labels = rows.length === 1 ? [exportLabel(row)] : rows.map(exportLabel);
  const settled = settledLabel(labels, row[NEEDS_SECOND_REVIEW]);
  if (typeof settled === "string") return settled;
  const { label, agreement } = settled;
  if (!ctx.matches(label, agreement)) return "filtered_out";
  // An erased subject's original is gone: the redacted copy is all there is.
  const plain = ctx.includePii ? original(row, ctx.keys) : null;
  return {
    requestId: row[REQUEST_ID],
    messages: promptMessages(plain ? plain.prompt : row[PROMPT]),
    response: plain ? plain.response : row[RESPONSE],
    verdict: label.verdict,
    hazardCategories: label.hazardCategories,
    severity: label.severity,
    correctedResponse: ctx.includePii ? label.correctedResponse : redacted(label.correctedResponse),
    agreement,
    labeledAt: label.createdAt,
    details: ctx.details
      ? {
          itemId: row[ID]!,
          notes: ctx.includePii ? label.notes : redacted(label.notes),
          modelId: row[MODEL_ID]!,
          modelVersion: row[MODEL_VERSION],
          occurredAt: new Date(row[OCCURRED_AT]!),
        }
      : null,
  };
}
