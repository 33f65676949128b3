// A fast path in front of the ingest schemas (schemas.ts) for the events
// clients usually send. zod builds a checked copy of every event and parses
// each time string into a Date twice; under bench:ingest that was 13 % of the
// web process' CPU, on the one thread that also serves every request.
//
// fastParseEvent says yes only for an event that the schema accepts and that
// has nothing for the schema to strip (no unknown key anywhere), and then
// returns the event itself, with the schema's defaults filled in: what zod
// would have returned, without the copy. Anything else — an error to explain,
// an unknown key, a time in year 1 or 9999 that needs a real date to judge —
// gets null, and the caller asks the schema, whose answer (and error messages)
// stand. It may be stricter than the schema, never looser: the property test
// (fast-parse.test.ts) holds it to that on generated events.
import { z } from "zod";
import {
  INT32_MAX,
  MAX_COST,
  MAX_LATENCY_MS,
  MAX_TEXT,
  OUTCOME_NAME,
  type IngestEvent,
  type InteractionEvent,
  type OutcomeEvent,
  type ReportEvent,
  type VerdictEvent,
} from "@/lib/ingest/schemas";

type Obj = Record<string, unknown>;

/** The pattern z.iso.datetime({ offset: true }) checks (the schema's own source; the test compares them). */
export const DATETIME = z.core.regexes.datetime({ offset: true, local: false, precision: null } as Parameters<typeof z.core.regexes.datetime>[0]);

const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Own keys all among `allowed` (a JSON object has only own enumerable keys). */
function onlyKeys(o: Obj, allowed: ReadonlySet<string>): boolean {
  for (const k in o) if (!allowed.has(k)) return false;
  return true;
}

function text(v: unknown, max: number, min = 0): boolean {
  return typeof v === "string" && v.length <= max && v.length >= min && v.isWellFormed() && !v.includes("\u0000");
}
const optionalText = (v: unknown, max: number, min = 0) => v === undefined || text(v, max, min);
const id = (v: unknown) => text(v, 200, 1);
const key = (v: unknown) => text(v, 100, 1);

function int(v: unknown, min: number, max: number): boolean {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= min && v <= max;
}
const optionalInt = (v: unknown, min: number, max: number) => v === undefined || int(v, min, max);

/**
 * The schema's pattern, and a year that leaves no doubt: it also wants the UTC
 * year within 1–9999, which an offset can move across a year boundary, so years
 * 1 and 9999 (and the impossible 0) are left to it.
 */
function timestamp(v: unknown): boolean {
  if (typeof v !== "string" || v.length > 40 || !DATETIME.test(v)) return false;
  const year = (v.charCodeAt(0) - 48) * 1000 + (v.charCodeAt(1) - 48) * 100 + (v.charCodeAt(2) - 48) * 10 + (v.charCodeAt(3) - 48);
  return year >= 2 && year <= 9998;
}

function oneOf(v: unknown, values: ReadonlySet<string>): boolean {
  return typeof v === "string" && values.has(v);
}

/** A record's keys checked like the schema's key schema; "__proto__" is left to zod, which builds its own object. */
function recordOf(v: unknown, maxKeys: number, value: (x: unknown) => boolean): boolean {
  if (!isObject(v)) return false;
  let n = 0;
  for (const k in v) {
    if (++n > maxKeys || k === "__proto__" || !key(k) || !value(v[k])) return false;
  }
  return true;
}

const FLAG_VALUE_KEYS = new Set(["value", "variant", "version"]);
function flagValue(v: unknown): boolean {
  if (!isObject(v) || !onlyKeys(v, FLAG_VALUE_KEYS) || !Object.hasOwn(v, "value")) return false;
  const value = v.value;
  const okValue = value === null || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value)) || text(value, 1000);
  return okValue && optionalText(v.variant, 200) && optionalInt(v.version, 0, Number.MAX_SAFE_INTEGER);
}
const flags = (v: unknown) => v === undefined || recordOf(v, 200, flagValue);

const ROLES = new Set(["system", "user", "assistant", "tool", "developer"]);
const MESSAGE_KEYS = new Set(["role", "content", "name"]);
const PART_KEYS = new Set(["type", "text"]);

function part(v: unknown): boolean {
  return isObject(v) && onlyKeys(v, PART_KEYS) && v.type === "text" && text(v.text, MAX_TEXT);
}

function message(v: unknown): boolean {
  if (!isObject(v) || !onlyKeys(v, MESSAGE_KEYS) || !oneOf(v.role, ROLES) || !optionalText(v.name, 200)) return false;
  const content = v.content;
  if (typeof content === "string") return text(content, MAX_TEXT);
  return Array.isArray(content) && content.length <= 100 && content.every(part);
}

function prompt(v: unknown): boolean {
  if (typeof v === "string") return text(v, MAX_TEXT);
  return Array.isArray(v) && v.length >= 1 && v.length <= 500 && v.every(message);
}

const MODEL_KEYS = new Set(["provider", "id", "version"]);
const TEMPLATE_KEYS = new Set(["id", "version"]);
const COHORT_KEYS = new Set(["platform", "region", "deviceClass", "segment", "locale"]);
const TOKEN_KEYS = new Set(["input", "output"]);
const SPAN_KEYS = new Set(["start", "end", "source"]);
const SOURCES = new Set(["own_data", "inferred", "guess"]);
const ERROR_KEYS = new Set(["type"]);

function cohort(v: unknown): boolean {
  if (v === undefined) return true;
  return (
    isObject(v) &&
    onlyKeys(v, COHORT_KEYS) &&
    optionalText(v.platform, 50) &&
    optionalText(v.region, 50) &&
    optionalText(v.deviceClass, 50) &&
    optionalText(v.segment, 100) &&
    optionalText(v.locale, 35)
  );
}

function span(v: unknown): boolean {
  return isObject(v) && onlyKeys(v, SPAN_KEYS) && int(v.start, 0, Number.MAX_SAFE_INTEGER) && int(v.end, 0, Number.MAX_SAFE_INTEGER) && oneOf(v.source, SOURCES);
}

const INTERACTION_KEYS = new Set([
  "type", "requestId", "occurredAt", "environment", "model", "promptTemplate", "prompt", "response", "flags", "cohort",
  "userId", "latencyMs", "tokens", "cost", "provenance", "gateRunId", "gatePromptKey", "error",
]);

function interaction(e: Obj): InteractionEvent | null {
  if (!onlyKeys(e, INTERACTION_KEYS) || !id(e.requestId) || !timestamp(e.occurredAt) || (e.environment !== undefined && !key(e.environment))) return null;
  const model = e.model;
  if (!isObject(model) || !onlyKeys(model, MODEL_KEYS) || !key(model.provider) || !text(model.id, 200, 1) || !optionalText(model.version, 100)) return null;
  const template = e.promptTemplate;
  if (template !== undefined && (!isObject(template) || !onlyKeys(template, TEMPLATE_KEYS) || !text(template.id, 200, 1) || !optionalText(template.version, 100))) return null;
  if (!prompt(e.prompt) || !text(e.response, MAX_TEXT) || !flags(e.flags) || !cohort(e.cohort)) return null;
  if (!optionalText(e.userId, 200) || !optionalInt(e.latencyMs, 0, MAX_LATENCY_MS)) return null;
  const tokens = e.tokens;
  if (tokens !== undefined && (!isObject(tokens) || !onlyKeys(tokens, TOKEN_KEYS) || !optionalInt(tokens.input, 0, INT32_MAX) || !optionalInt(tokens.output, 0, INT32_MAX))) return null;
  if (e.cost !== undefined && !(typeof e.cost === "number" && Number.isFinite(e.cost) && e.cost >= 0 && e.cost <= MAX_COST)) return null;
  const provenance = e.provenance;
  if (provenance !== undefined && !(Array.isArray(provenance) && provenance.length <= 1000 && provenance.every(span))) return null;
  if (!optionalText(e.gateRunId, 200) || !optionalText(e.gatePromptKey, 200)) return null;
  const error = e.error;
  if (error !== undefined && (!isObject(error) || !onlyKeys(error, ERROR_KEYS) || !text(error.type, 100, 1))) return null;
  e.flags ??= {};
  e.cohort ??= {};
  return e as InteractionEvent;
}

const VERDICT_KEYS = new Set(["type", "eventId", "requestId", "occurredAt", "classifier", "scores", "categories", "decision", "action"]);
const CLASSIFIER_KEYS = new Set(["name", "version"]);
const DECISIONS = new Set(["pass", "flag", "block"]);
const ACTIONS = new Set(["none", "redacted", "fallback"]);
const score = (v: unknown) => typeof v === "number" && v >= 0 && v <= 1;

function verdict(e: Obj): VerdictEvent | null {
  if (!onlyKeys(e, VERDICT_KEYS) || !id(e.eventId) || !id(e.requestId) || !timestamp(e.occurredAt)) return null;
  const classifier = e.classifier;
  if (!isObject(classifier) || !onlyKeys(classifier, CLASSIFIER_KEYS) || !key(classifier.name) || !optionalText(classifier.version, 100)) return null;
  if (!recordOf(e.scores, 100, score)) return null;
  const categories = e.categories;
  if (categories !== undefined && !(Array.isArray(categories) && categories.length <= 100 && categories.every(key))) return null;
  if (!oneOf(e.decision, DECISIONS) || (e.action !== undefined && !oneOf(e.action, ACTIONS))) return null;
  e.action ??= "none";
  return e as VerdictEvent;
}

const REPORT_KEYS = new Set(["type", "eventId", "requestId", "occurredAt", "category", "text", "reporterId"]);
const CATEGORIES = new Set(["harmful", "incorrect", "privacy", "other"]);

function report(e: Obj): ReportEvent | null {
  if (!onlyKeys(e, REPORT_KEYS) || !id(e.eventId) || !id(e.requestId) || !timestamp(e.occurredAt) || !oneOf(e.category, CATEGORIES)) return null;
  if (!optionalText(e.text, 10_000) || !optionalText(e.reporterId, 200)) return null;
  return e as ReportEvent;
}

const OUTCOME_KEYS = new Set(["type", "eventId", "occurredAt", "name", "value", "flags", "requestId", "userId"]);

function outcome(e: Obj): OutcomeEvent | null {
  if (!onlyKeys(e, OUTCOME_KEYS) || !id(e.eventId) || !timestamp(e.occurredAt) || !key(e.name) || !OUTCOME_NAME.test(e.name as string)) return null;
  if (!(typeof e.value === "number" && Number.isFinite(e.value)) || !flags(e.flags)) return null;
  if ((e.requestId !== undefined && !id(e.requestId)) || !optionalText(e.userId, 200)) return null;
  e.flags ??= {};
  return e as OutcomeEvent;
}

/**
 * The event as ingestEventSchema would parse it, or null when the schema must
 * decide. On success the raw object itself is returned (with defaults filled
 * in), so the caller must own it — as ingest does the request body it parsed.
 */
export function fastParseEvent(raw: unknown): IngestEvent | null {
  if (!isObject(raw)) return null;
  switch (raw.type) {
    case "interaction":
      return interaction(raw);
    case "verdict":
      return verdict(raw);
    case "report":
      return report(raw);
    case "outcome":
      return outcome(raw);
    default:
      return null;
  }
}
