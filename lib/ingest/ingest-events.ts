// Stores a batch of interactions, verdicts, reports and outcomes for one project.
// Each event is validated on its own: valid events are stored even when others
// are rejected, and each gets a status. Everything accepted is committed —
// with one audit event per request and an outbox row — in one statement before the
// caller acknowledges; retries with the same ids are answered "duplicate".
import "server-only";
import { uuid7 } from "@/lib/ids/uuid7";
import type { ZodError } from "zod";
import { pgPool } from "@/lib/db";
import type { ApiKeyActor } from "@/lib/auth/actor-types";
import { withCanonicalKeyOrder } from "@/lib/audit/canonical";
import { EVENTS_INGESTED, type IngestedEvidence } from "@/lib/audit/evidence";
import { redactText, redactValue } from "@/lib/pii/detect";
import { ANONYMOUS_SUBJECT, pseudonymizeForIngest } from "@/lib/privacy/pseudonym";
import { dataKeyFor, encryptOriginal } from "@/lib/privacy/subject-keys";
import { enqueueCommitted } from "@/lib/outbox/enqueue-committed";
import { projectEnvironments } from "@/lib/ingest/environments";
import {
  ingestEventSchema,
  type EventStatus,
  type InteractionEvent,
  type OutcomeEvent,
  type ReportEvent,
  type VerdictEvent,
} from "@/lib/ingest/schemas";
import { fastParseEvent } from "@/lib/ingest/fast-parse";
import { INGEST_COLUMNS, INGEST_KINDS, INGEST_SQL, type IngestKind } from "@/lib/ingest/sql";
import { encodeRows, ROW_DIGEST_ENCODING } from "@/lib/ingest/column-arrays";
import { recordCosts, type CostSample } from "@/lib/flags/delivery/cost-breaker";
import { countIngestResults } from "@/lib/metrics/process-counters";

export type IngestResult = {
  accepted: number;
  duplicate: number;
  rejected: number;
  results: EventStatus[];
};

/**
 * A row as ingest builds it: times as ISO strings, bigints as decimal
 * strings, bytes as base64, nested values in canonical key order — the forms
 * column-arrays.ts encodes for the statement and the row's digest.
 */
type Row = Record<string, unknown>;
type Kind = IngestKind;
type Pending = { index: number; kind: Kind; clientId: string; row: Row };

const upper = <T extends string>(s: T) => s.toUpperCase() as Uppercase<T>;

function zodErrors(err: ZodError, index: number) {
  return err.issues.map((i) => ({ path: ["events", index, ...i.path].join("."), message: i.message }));
}

function peek(raw: unknown): { type: string | null; id: string | null } {
  if (!raw || typeof raw !== "object") return { type: null, id: null };
  const r = raw as Record<string, unknown>;
  const type = typeof r.type === "string" ? r.type.slice(0, 50) : null;
  const id = r.type === "interaction" ? r.requestId : r.eventId;
  return { type, id: typeof id === "string" ? id.slice(0, 200) : null };
}

async function interactionRow(actor: ApiKeyActor, e: InteractionEvent, environmentId: string, receivedAt: string): Promise<Row> {
  const prompt = redactValue(e.prompt);
  const response = redactText(e.response);
  const piiKinds = [...new Set([...prompt.kinds, ...response.kinds])].sort();
  const userRef = e.userId ? await pseudonymizeForIngest(actor.projectId, e.userId) : null;
  const occurredAt = new Date(e.occurredAt);

  let originalEnc: string | null = null;
  let subjectKeyId: string | null = null;
  if (piiKinds.length > 0) {
    const key = await dataKeyFor(actor.projectId, userRef ?? ANONYMOUS_SUBJECT, occurredAt);
    if (key) {
      originalEnc = Buffer.from(encryptOriginal(key, { prompt: e.prompt, response: e.response })).toString("base64");
      subjectKeyId = key.id;
    }
  }
  return {
    id: uuid7(),
    projectId: actor.projectId,
    environmentId,
    requestId: e.requestId,
    occurredAt: occurredAt.toISOString(),
    receivedAt,
    modelProvider: e.model.provider,
    modelId: e.model.id,
    modelVersion: e.model.version ?? null,
    promptTemplateId: e.promptTemplate?.id ?? null,
    promptTemplateVersion: e.promptTemplate?.version ?? null,
    promptRedacted: prompt.value,
    responseRedacted: response.text,
    originalEnc,
    subjectKeyId,
    piiKinds,
    flagState: withCanonicalKeyOrder(e.flags),
    platform: e.cohort.platform ?? null,
    region: e.cohort.region ?? null,
    deviceClass: e.cohort.deviceClass ?? null,
    segment: e.cohort.segment ?? null,
    locale: e.cohort.locale ?? null,
    userRef,
    latencyMs: e.latencyMs ?? null,
    tokensIn: e.tokens?.input ?? null,
    tokensOut: e.tokens?.output ?? null,
    costMicros: e.cost === undefined ? null : BigInt(Math.round(e.cost * 1_000_000)).toString(),
    provenance: e.provenance === undefined ? null : withCanonicalKeyOrder(e.provenance),
    gateRunId: e.gateRunId ?? null,
    gatePromptKey: e.gatePromptKey ?? null,
    errorType: e.error?.type ?? null,
    apiKeyId: actor.keyId,
  };
}

function verdictRow(actor: ApiKeyActor, e: VerdictEvent, receivedAt: string): Row {
  const categories = e.categories ?? Object.keys(e.scores).filter((c) => e.scores[c]! >= 0.5);
  return {
    id: uuid7(),
    projectId: actor.projectId,
    requestId: e.requestId,
    eventId: e.eventId,
    classifier: e.classifier.name,
    classifierVersion: e.classifier.version ?? null,
    scores: withCanonicalKeyOrder(e.scores),
    categories: [...new Set(categories)].sort(),
    decision: upper(e.decision),
    action: upper(e.action),
    occurredAt: new Date(e.occurredAt).toISOString(),
    receivedAt,
  };
}

async function reportRow(actor: ApiKeyActor, e: ReportEvent, receivedAt: string): Promise<Row> {
  return {
    id: uuid7(),
    projectId: actor.projectId,
    requestId: e.requestId,
    eventId: e.eventId,
    category: upper(e.category),
    // Free text from end users may itself contain personal data.
    text: e.text === undefined ? null : redactText(e.text).text,
    reporterRef: e.reporterId ? await pseudonymizeForIngest(actor.projectId, e.reporterId) : null,
    occurredAt: new Date(e.occurredAt).toISOString(),
    receivedAt,
  };
}

async function outcomeRow(actor: ApiKeyActor, e: OutcomeEvent, receivedAt: string): Promise<Row> {
  return {
    id: uuid7(),
    projectId: actor.projectId,
    eventId: e.eventId,
    name: e.name,
    value: e.value,
    userRef: e.userId ? await pseudonymizeForIngest(actor.projectId, e.userId) : null,
    flagState: withCanonicalKeyOrder(e.flags),
    requestId: e.requestId ?? null,
    occurredAt: new Date(e.occurredAt).toISOString(),
    receivedAt,
  };
}

const checkedKinds = new Set<Kind>();

/**
 * A row key that is not a column would be neither stored nor digested: it is
 * a bug, and fails loudly. Rows of a kind are all built by one object literal
 * above, so the first row of each kind stands for the rest.
 */
function checkColumns(kind: Kind, row: Row): Row {
  if (checkedKinds.has(kind)) return row;
  const names = new Set(INGEST_COLUMNS[kind].map(([n]) => n));
  const extra = Object.keys(row).filter((k) => !names.has(k));
  if (extra.length > 0) throw new Error(`ingest: a ${kind} row has keys that are not columns: ${extra.join(", ")}`);
  checkedKinds.add(kind);
  return row;
}

/**
 * bodyBytes: the request body's size, when known; only small requests are combined (see COMBINE_UP_TO).
 * The events are the caller's to give away: a valid one gets the schema's defaults filled in place (fast-parse.ts),
 * and the array is emptied once they have become rows.
 */
export async function ingestEvents(actor: ApiKeyActor, rawEvents: unknown[], opts: { bodyBytes?: number } = {}): Promise<IngestResult> {
  const receivedAt = new Date().toISOString();
  const results: EventStatus[] = new Array(rawEvents.length);
  const pending: Pending[] = [];
  const seen = new Set<string>();
  const environments = await projectEnvironments(actor.projectId);
  const boundEnvironment = actor.environmentId;

  for (let index = 0; index < rawEvents.length; index++) {
    const raw = rawEvents[index];
    // The usual event is vouched for by the fast path; the schema decides the rest and explains rejections.
    let e = fastParseEvent(raw);
    if (e === null) {
      const parsed = ingestEventSchema.safeParse(raw);
      if (!parsed.success) {
        results[index] = { index, ...peek(raw), status: "rejected", errors: zodErrors(parsed.error, index) };
        continue;
      }
      e = parsed.data;
    }
    const clientId = e.type === "interaction" ? e.requestId : e.eventId;
    const dedupeKey = `${e.type}\u0000${clientId}`;
    if (seen.has(dedupeKey)) {
      results[index] = { index, type: e.type, id: clientId, status: "duplicate" };
      continue;
    }
    seen.add(dedupeKey);

    let row: Row;
    if (e.type === "interaction") {
      const environmentId = e.environment ? environments.get(e.environment) : (boundEnvironment ?? environments.get("production"));
      if (!environmentId || (boundEnvironment && environmentId !== boundEnvironment)) {
        const message = e.environment
          ? boundEnvironment
            ? "this API key is bound to another environment"
            : `unknown environment "${e.environment}"`
          : "is required (the key is not bound to an environment and the project has no \"production\")";
        results[index] = { index, type: e.type, id: clientId, status: "rejected", errors: [{ path: `events.${index}.environment`, message }] };
        continue;
      }
      row = await interactionRow(actor, e, environmentId, receivedAt);
    } else if (e.type === "verdict") {
      row = verdictRow(actor, e, receivedAt);
    } else if (e.type === "report") {
      row = await reportRow(actor, e, receivedAt);
    } else {
      row = await outcomeRow(actor, e, receivedAt);
    }
    pending.push({ index, kind: e.type, clientId, row: checkColumns(e.type, row) });
  }

  // Given away (see above): nothing below needs the events, only their rows.
  rawEvents.length = 0;
  const bytes = opts.bodyBytes ?? Infinity;
  const combinable = pending.length <= COMBINE_UP_TO && bytes <= COMBINE_MAX_BODY_BYTES;
  const insertedIds =
    pending.length === 0 ? new Set<string>() : combinable ? await storeCombined(actor, pending, receivedAt, bytes) : await storeMany([{ actor, pending, receivedAt }], { release: true });
  for (const p of pending) {
    results[p.index] = { index: p.index, type: p.kind, id: p.clientId, status: insertedIds.has(p.row.id as string) ? "accepted" : "duplicate" };
  }
  const costs: CostSample[] = [];
  for (const p of pending) {
    const r = p.row;
    if (p.kind !== "interaction" || !r.costMicros || !r.userRef || !insertedIds.has(r.id as string)) continue;
    costs.push({
      projectId: actor.projectId,
      environmentId: r.environmentId as string,
      userRef: r.userRef as string,
      costMicros: BigInt(r.costMicros as string),
      flags: r.flagState as CostSample["flags"],
      occurredAt: new Date(r.occurredAt as string),
    });
  }
  // Counted only once stored, so a retried batch ("duplicate") never counts twice.
  if (costs.length > 0) await recordCosts(costs);
  const tally = { accepted: 0, duplicate: 0, rejected: 0 };
  for (const r of results) tally[r.status]++;
  countIngestResults(actor.projectId, results);
  return { ...tally, results };
}

// ---------------------------------------------------------------------------
// Combining small requests. Every store is one statement, one commit, one
// outbox row and so one worker job, whatever it holds: a single-event request
// paid all of that for one event (~4 ms of CPU across Postgres, web, worker
// and Redis, against ~0.5 ms per event in a batch of 100). While a project
// already has COMBINE_LANES stores in flight, its small requests wait for one
// to finish and then go together, as one store (up to COMBINE_MAX_EVENTS
// events). An idle project's request is stored at once, so nothing waits
// unless the database is busy with that project anyway. Each request is still
// acknowledged only after the commit that holds its events, with its own
// statuses; a combined store that fails is retried request by request, so a
// request that cannot be stored fails alone.

/** Requests with at most this many events to store, in a body of at most this size, are combined; larger ones are batches already. */
const COMBINE_UP_TO = 20;
const COMBINE_MAX_BODY_BYTES = 64 * 1024;
/** A group stays within one request's limits: a statement is never larger than a batch could make it. */
const COMBINE_MAX_EVENTS = 200;
const COMBINE_MAX_BYTES = 1024 * 1024;
/**
 * Stores in flight per project before requests wait to be combined. Under
 * bench:ingest's single events (16 clients), two runs each: 1 lane 734 / 796
 * req/s, 2 lanes 686 / 780, 4 lanes 535 / 505 (smaller groups, more
 * statements); two keep one slow statement from holding up the project.
 */
const COMBINE_LANES = 2;

type StoreRequest = { actor: ApiKeyActor; pending: Pending[]; receivedAt: string; bytes: number; resolve: (ids: Set<string>) => void; reject: (err: unknown) => void };
type Lane = { running: number; queue: StoreRequest[] };
const lanes = new Map<string, Lane>();

function storeCombined(actor: ApiKeyActor, pending: Pending[], receivedAt: string, bytes: number): Promise<Set<string>> {
  return new Promise((resolve, reject) => {
    let lane = lanes.get(actor.projectId);
    if (!lane) lanes.set(actor.projectId, (lane = { running: 0, queue: [] }));
    lane.queue.push({ actor, pending, receivedAt, bytes, resolve, reject });
    if (lane.running < COMBINE_LANES) void drain(actor.projectId, lane);
  });
}

async function drain(projectId: string, lane: Lane): Promise<void> {
  lane.running++;
  try {
    for (let group = takeGroup(lane.queue); group.length > 0; group = takeGroup(lane.queue)) await storeGroup(group);
  } finally {
    lane.running--;
    if (lane.running === 0 && lane.queue.length === 0) lanes.delete(projectId);
  }
}

/** The waiting requests, in order, that fit COMBINE_MAX_EVENTS and COMBINE_MAX_BYTES and name no event twice (the rest wait for the next group). */
function takeGroup(queue: StoreRequest[]): StoreRequest[] {
  const group: StoreRequest[] = [];
  const keys = new Set<string>();
  let events = 0;
  let bytes = 0;
  for (let i = 0; i < queue.length && events < COMBINE_MAX_EVENTS; ) {
    const req = queue[i]!;
    const own = req.pending.map((p) => `${p.kind}\u0000${p.clientId}`);
    const over = events + req.pending.length > COMBINE_MAX_EVENTS || bytes + req.bytes > COMBINE_MAX_BYTES;
    if ((group.length > 0 && over) || own.some((k) => keys.has(k))) {
      i++;
      continue;
    }
    for (const k of own) keys.add(k);
    events += req.pending.length;
    bytes += req.bytes;
    group.push(req);
    queue.splice(i, 1);
  }
  return group;
}

async function storeGroup(group: StoreRequest[]): Promise<void> {
  if (group.length === 1) {
    const [only] = group;
    await store(only!.actor, only!.pending, only!.receivedAt).then(only!.resolve, only!.reject);
    return;
  }
  try {
    const ids = await storeMany(group);
    for (const req of group) req.resolve(ids);
  } catch (err) {
    if (!isRequestScopedError(err)) {
      for (const req of group) req.reject(err); // the database, not a request: each alone would fail the same way, only later
      return;
    }
    // One request's data may be what failed (or the group lost a deadlock): each is tried alone, and fails (or not) on its own.
    for (const req of group) await store(req.actor, req.pending, req.receivedAt).then(req.resolve, req.reject);
  }
}

/**
 * Postgres refused the data itself (data exception, integrity violation) or
 * chose this statement to end a deadlock or serialization failure — worth
 * trying request by request — rather than the connection or the server's state.
 */
function isRequestScopedError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("22") || code.startsWith("23") || code === "40P01" || code === "40001");
}

/** Client ids in one order in every statement, so that two statements inserting the same new ids take their locks in the same order (no deadlock). */
const byClientId = (key: "requestId" | "eventId") => ({ row: a }: ToStore, { row: b }: ToStore) =>
  (a[key] as string) < (b[key] as string) ? -1 : (a[key] as string) > (b[key] as string) ? 1 : 0;

/** A row to store, and the audit entry that will carry its digest. */
type ToStore = { row: Row; evidence: IngestedEvidence };

async function store(actor: ApiKeyActor, pending: Pending[], receivedAt: string): Promise<Set<string>> {
  return storeMany([{ actor, pending, receivedAt }]);
}

/**
 * Each kind's rows as one binary array per column (column-arrays.ts), in
 * client-id order, each row's digest filled into its audit entry: a hash of
 * the row's bytes as the statement carries them (ROW_DIGEST_ENCODING), which
 * verify recomputes from the row read back.
 */
function kindParams(kind: Kind, items: ToStore[]): Buffer[] {
  items.sort(byClientId(kind === "interaction" ? "requestId" : "eventId"));
  const { params, digests } = encodeRows(INGEST_COLUMNS[kind], items.map((i) => i.row));
  items.forEach((item, i) => (item.evidence.digest = digests[i]!));
  return params;
}

/**
 * The row members that only the statement needs: once serialized, a store
 * that will not be retried (release) lets go of them, so that a large batch's
 * text is not kept alive through the round trip.
 */
const STATEMENT_ONLY: readonly string[] = ["promptRedacted", "responseRedacted", "originalEnc", "provenance", "scores", "text"];

/** Stores the accepted events of one or more requests of one project in one statement; returns the ids inserted (not duplicates). */
async function storeMany(requests: Pick<StoreRequest, "actor" | "pending" | "receivedAt">[], opts: { release?: boolean } = {}): Promise<Set<string>> {
  const byKind: Record<Kind, ToStore[]> = { interaction: [], verdict: [], report: [], outcome: [] };
  const audits: Row[] = [];
  for (const { actor, pending, receivedAt } of requests) {
    if (pending.length === 0) continue;
    // One audit event per request, naming every event it stored with the
    // digest that ties the evidence row's exact content into the chain (the
    // statement keeps only the events actually inserted; duplicates drop out).
    const events: IngestedEvidence[] = [];
    for (const p of pending) {
      const evidence: IngestedEvidence = { type: p.kind, id: p.row.id as string, digest: "" };
      byKind[p.kind].push({ row: p.row, evidence });
      events.push(evidence);
    }
    audits.push({
      orgId: null,
      projectId: actor.projectId,
      actorType: "API_KEY",
      actorId: actor.keyId,
      actorLabel: actor.keyName,
      action: EVENTS_INGESTED,
      targetType: null,
      targetId: null,
      metadata: { digestEncoding: ROW_DIGEST_ENCODING, events },
      createdAt: receivedAt,
    });
  }
  const columns = INGEST_KINDS.flatMap((kind) => kindParams(kind, byKind[kind]));
  if (opts.release) for (const items of Object.values(byKind)) for (const { row } of items) for (const k of STATEMENT_ONLY) if (k in row) row[k] = null;
  const projectId = requests[0]!.actor.projectId;
  const { rows } = await pgPool().query<{ kind: string; id: string; job: string | null; payload: object | null }>({
    name: "rampart-ingest",
    text: INGEST_SQL,
    values: [JSON.stringify(audits), projectId, ...columns],
  });
  // Committed: hand the outbox row to the queue now (the relay covers any miss).
  const outbox = rows.filter((r) => r.kind === "outbox");
  if (outbox.length > 0) enqueueCommitted(outbox.map((r) => ({ id: r.id, queue: "ingest", job: r.job!, payload: r.payload! })));
  return new Set(rows.filter((r) => r.kind !== "outbox").map((r) => r.id));
}
