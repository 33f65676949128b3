// OpenFeature Remote Evaluation Protocol (OFREP) over the in-memory
// snapshots: single-flag evaluation, bulk evaluation with ETag/304 and the
// push stream advertised in `eventStreams`, and the provider configuration.
//
// Written against a minimal request/response shape rather than fetch's
// Request/Response so that the lean HTTP layer (server.ts) serves it without
// allocating either — these are the hottest paths Rampart has.
import "server-only";
import { hash } from "node:crypto";
import { authenticateApiKey, recentlyVerifiedApiKey, requireScope } from "@/lib/api-keys/authenticate-api-key";
import type { ApiKeyActor } from "@/lib/auth/actor-types";
import { config } from "@/lib/config";
import { AppError, isAppError } from "@/lib/errors";
import { evaluateFlag, type EvaluationContext, type EvaluationResult } from "@/lib/flags/evaluate";
import { pseudonymize, pseudonymizeNow } from "@/lib/privacy/pseudonym";
import { snapshotStore, type EnvironmentSnapshot } from "@/lib/flags/delivery/snapshot-store";
import { signStreamToken, streamTokenExpiry } from "@/lib/flags/delivery/stream-token";
import { takeLocalToken } from "@/lib/http/local-rate-limit";
import { errorHeaders } from "@/lib/http/responses";
import { flagEvaluationCounts, reasonSlot } from "@/lib/metrics/process-counters";
import { endpointMethod, endpointPath, OFREP_PREFIX, ofrepEndpoints } from "@/lib/http/lean-endpoints";

export type PlainRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  header(name: string): string | undefined;
  body: Buffer;
};
export type PlainResponse = {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body already encoded, when the handler kept it (the node layer then sends it as is). */
  bytes?: Buffer;
  /**
   * Set on an answer the handler hands out again, unchanged, for later
   * requests (a cached bulk result): nobody may modify it, and the HTTP layer
   * may keep what it derives from it (its wire headers) for as long as it lives.
   */
  reused?: true;
};

export { OFREP_PREFIX };
export const STREAM_PATH = endpointPath(ofrepEndpoints.stream);
const EVALUATE_ALL_PATH = endpointPath(ofrepEndpoints.evaluateAll);
const EVALUATE_ONE_PREFIX = endpointPath(ofrepEndpoints.evaluateOne).replace("{key}", "");
const CONFIGURATION_PATH = endpointPath(ofrepEndpoints.configuration);
const MAX_BODY = 64 * 1024;
const INACTIVITY_DELAY_SEC = 120;
const ERROR_SLOT = reasonSlot("ERROR");

const json = (status: number, body: unknown, headers: Record<string, string> = {}): PlainResponse => ({
  status,
  headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  body: JSON.stringify(body),
});

/** Auth, scope and the per-key rate limit, in process (no Redis round trip per evaluation). */
export async function authenticateFlagsRead(req: PlainRequest): Promise<ApiKeyActor> {
  return admitFlagsReader(await authenticateApiKey(req.header("authorization") ?? null));
}

// The rate limiter's key per actor object (a cached actor is the same object request after request).
const rateKeys = new WeakMap<ApiKeyActor, string>();
function rateKeyOf(actor: ApiKeyActor): string {
  let k = rateKeys.get(actor);
  if (k === undefined) rateKeys.set(actor, (k = `flags:${actor.keyId}`));
  return k;
}

/** authenticateFlagsRead without I/O: null when the key was not verified recently (then use that). */
function recentFlagsReader(req: PlainRequest): ApiKeyActor | null {
  const actor = recentlyVerifiedApiKey(req.header("authorization"));
  return actor && admitFlagsReader(actor);
}

function admitFlagsReader(actor: ApiKeyActor): ApiKeyActor {
  requireScope(actor, "flags:read");
  const limit = actor.rateLimitPerSecond ?? config().API_KEY_RATE_LIMIT_PER_SECOND;
  const retry = takeLocalToken(rateKeyOf(actor), limit);
  if (retry > 0) throw new AppError("RATE_LIMITED", `Rate limit of ${limit} requests per second exceeded for this API key`, { retryAfterSeconds: retry });
  return actor;
}

/** environmentFor without I/O, for the common case (a key bound to its environment, already loaded); null otherwise. */
function loadedEnvironmentFor(actor: ApiKeyActor, requested: string | undefined): EnvironmentSnapshot | null {
  return actor.environmentId && !requested ? snapshotStore().peek(actor.environmentId) : null;
}

/** The key's own environment, or (for a project-wide key) the one named by X-Rampart-Environment, default "production". */
export async function environmentFor(actor: ApiKeyActor, requested: string | undefined): Promise<EnvironmentSnapshot> {
  const store = snapshotStore();
  let environmentId = actor.environmentId;
  if (environmentId && requested) {
    const named = await store.environmentId(actor.projectId, requested);
    if (named !== environmentId) throw new AppError("FORBIDDEN", "This API key is bound to another environment");
  }
  environmentId ??= await store.environmentId(actor.projectId, requested ?? "production");
  if (!environmentId) {
    throw new AppError("BAD_REQUEST", requested ? `Unknown environment "${requested}"` : 'Name an environment in X-Rampart-Environment (the project has no "production")');
  }
  const env = await store.get(environmentId);
  if (!env) throw new AppError("NOT_FOUND", "Environment not found");
  return env;
}

type ParsedContext = { ok: true; context: EvaluationContext } | { ok: false; errorCode: "PARSE_ERROR" | "INVALID_CONTEXT"; errorDetails: string };

function parseContext(body: Buffer): ParsedContext {
  if (body.length > MAX_BODY) return { ok: false, errorCode: "PARSE_ERROR", errorDetails: `The request body is larger than ${MAX_BODY} bytes` };
  if (body.length === 0) return { ok: true, context: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return { ok: false, errorCode: "PARSE_ERROR", errorDetails: "The request body is not valid JSON" };
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return { ok: false, errorCode: "PARSE_ERROR", errorDetails: 'The request body must be a JSON object like {"context": {...}}' };
  }
  const context = (parsed as { context?: unknown }).context;
  if (context === undefined) return { ok: true, context: {} };
  if (context === null || typeof context !== "object" || Array.isArray(context)) {
    return { ok: false, errorCode: "INVALID_CONTEXT", errorDetails: "context must be an object" };
  }
  const tk = (context as { targetingKey?: unknown }).targetingKey;
  if (tk !== undefined && typeof tk !== "string") return { ok: false, errorCode: "INVALID_CONTEXT", errorDetails: "context.targetingKey must be a string" };
  return { ok: true, context: context as EvaluationContext };
}

type Evaluated =
  | { ok: true; key: string; value: unknown; variant: string; reason: string; metadata: Record<string, string | number | boolean> }
  | { ok: false; key: string; errorCode: string; errorDetails: string };

type Metadata = Record<string, string | number | boolean>;
// Static per flag version (flag objects are replaced when they change), so built once.
const staticMetadata = new WeakMap<object, Readonly<Metadata>>();
function metadataOf(flag: EnvironmentSnapshot["snapshot"]["flags"][string]): Readonly<Metadata> {
  let m = staticMetadata.get(flag);
  if (!m) {
    m = { kind: flag.kind, version: flag.version, fallbackVariant: flag.config.fallbackVariant };
    if (flag.costCeilingMicros) m = { ...m, costCeilingUsdPerUserHour: Number(flag.costCeilingMicros) / 1e6 };
    staticMetadata.set(flag, m);
  }
  return m;
}

/**
 * Evaluates with the cost breaker applied: a user over a flag's hourly cost
 * ceiling is served its fallback with reason COST_LIMIT. Synchronous: the
 * caller resolves the user's pseudonymous ref beforehand, and only when the
 * environment has trips at all (userRefFor).
 */
function evaluateOne(env: EnvironmentSnapshot, key: string, context: EvaluationContext, userRef: string | null): Evaluated {
  const r: EvaluationResult = evaluateFlag(env.snapshot, key, context);
  if (r.errorCode === "FLAG_NOT_FOUND") return { ok: false, key, errorCode: "FLAG_NOT_FOUND", errorDetails: `Flag "${key}" is not defined in environment "${env.environmentKey}"` };
  if (r.errorCode === "TARGETING_KEY_MISSING") {
    return { ok: false, key, errorCode: "TARGETING_KEY_MISSING", errorDetails: `Flag "${key}" is rolled out to a share of users: the context needs a targetingKey` };
  }
  const flag = env.snapshot.flags[key];
  let metadata: Readonly<Metadata> = flag ? metadataOf(flag) : {};
  if (flag?.costCeilingMicros && userRef && r.variant !== flag.config.fallbackVariant) {
    const until = env.trips.get(key)?.get(userRef);
    if (until && until > Date.now()) {
      const variant = flag.config.fallbackVariant;
      metadata = { ...metadata, costLimitUntil: new Date(until).toISOString() };
      return { ok: true, key, value: flag.config.variants[variant] ?? null, variant, reason: "COST_LIMIT", metadata };
    }
  }
  return { ok: true, key, value: r.value, variant: r.variant ?? "", reason: r.reason, metadata };
}

// A flag serves few distinct outcomes (a variant and a reason), so each
// outcome's JSON is built once per flag version and reused by every request.
const fragments = new WeakMap<object, Map<string, string>>();
function fragmentOf(env: EnvironmentSnapshot, key: string, r: Evaluated): string {
  const flag = env.snapshot.flags[key];
  const cacheable = flag !== undefined && (!r.ok || r.metadata === metadataOf(flag));
  const id = r.ok ? `${r.variant}\u0000${r.reason}` : `\u0001${r.errorCode}`;
  let byOutcome = cacheable ? fragments.get(flag) : undefined;
  const hit = byOutcome?.get(id);
  if (hit) return hit;
  const json = JSON.stringify(r.ok ? { key, value: r.value, reason: r.reason, variant: r.variant, metadata: r.metadata } : { key, errorCode: r.errorCode, errorDetails: r.errorDetails });
  if (cacheable) {
    if (!byOutcome) fragments.set(flag, (byOutcome = new Map()));
    byOutcome.set(id, json);
  }
  return json;
}

/** The context's pseudonymous user ref, computed only when some user of the environment tripped a breaker. */
async function userRefFor(env: EnvironmentSnapshot, projectId: string, context: EvaluationContext): Promise<string | null> {
  const tk = context.targetingKey;
  if (!env.hasCostCeilings || env.trips.size === 0 || typeof tk !== "string" || tk === "") return null;
  return pseudonymize(projectId, tk);
}

function errorBody(err: unknown): PlainResponse {
  if (isAppError(err)) {
    return json(err.status, { errorCode: err.code === "BAD_REQUEST" ? "GENERAL" : err.code, errorDetails: err.message }, errorHeaders(err));
  }
  console.error("[ofrep] unhandled error", err);
  return json(500, { errorDetails: "Something went wrong on our side" });
}

/** POST /ofrep/v1/evaluate/flags/{key} */
export async function evaluateSingle(req: PlainRequest, key: string): Promise<PlainResponse> {
  try {
    const actor = await authenticateFlagsRead(req);
    const parsed = parseContext(req.body);
    if (!parsed.ok) return json(400, { key, errorCode: parsed.errorCode, errorDetails: parsed.errorDetails });
    const env = await environmentFor(actor, req.header("x-rampart-environment"));
    const r = evaluateOne(env, key, parsed.context, await userRefFor(env, actor.projectId, parsed.context));
    flagEvaluationCounts(actor.projectId)[r.ok ? reasonSlot(r.reason) : ERROR_SLOT]!++;
    if (!r.ok) return json(r.errorCode === "FLAG_NOT_FOUND" ? 404 : 400, { key, errorCode: r.errorCode, errorDetails: r.errorDetails });
    return json(200, { key, value: r.value, reason: r.reason, variant: r.variant, metadata: r.metadata });
  } catch (err) {
    return errorBody(err);
  }
}

/**
 * POST /ofrep/v1/evaluate/flags — every flag of the environment, with ETag and the push stream.
 * Synchronous (no promise) in the common case: a recently verified key bound
 * to a loaded environment; otherwise it finishes asynchronously.
 */
export function evaluateBulk(req: PlainRequest, origin: string): PlainResponse | Promise<PlainResponse> {
  try {
    const actor = recentFlagsReader(req);
    const env = actor && loadedEnvironmentFor(actor, req.header("x-rampart-environment"));
    const out = actor && env ? bulkNow(req, origin, actor, env) : null;
    return out ?? evaluateBulkLater(req, origin, actor);
  } catch (err) {
    return errorBody(err);
  }
}

async function evaluateBulkLater(req: PlainRequest, origin: string, admitted: ApiKeyActor | null): Promise<PlainResponse> {
  try {
    const actor = admitted ?? (await authenticateFlagsRead(req));
    const parsed = parseContext(req.body);
    if (!parsed.ok) return json(400, { errorCode: parsed.errorCode, errorDetails: parsed.errorDetails });
    const env = await environmentFor(actor, req.header("x-rampart-environment"));
    const userRef = await userRefFor(env, actor.projectId, parsed.context);
    const result = bulkResult(env, actor.projectId, parsed.context, userRef);
    const tk = parsed.context.targetingKey;
    const tokenUser = typeof tk === "string" && tk !== "" && env.hasCostCeilings ? (userRef ?? (await pseudonymize(actor.projectId, tk))) : null;
    return bulkResponse(req, origin, actor, env, result, tokenUser);
  } catch (err) {
    return errorBody(err);
  }
}

/** Bulk evaluation's outcome for one context: the flags array, its ETag, and the counter slot of each flag. */
type BulkResult = {
  flagsJson: string;
  etag: string;
  slots: Uint8Array;
  targetingKey: string | null;
  /** Whether it is in the cache (only then is its body kept). */
  cached?: boolean;
  /** The last body made from it, kept while its stream URL (origin and token) is the same. */
  sent?: { keyId: string; tokenUser: string | null; expiry: number; origin: string; response: PlainResponse };
};

function bulkResult(env: EnvironmentSnapshot, projectId: string, context: EvaluationContext, userRef: string | null): BulkResult {
  const keys = env.sortedKeys;
  const parts = new Array<string>(keys.length);
  const slots = new Uint8Array(keys.length);
  const counts = flagEvaluationCounts(projectId);
  for (let i = 0; i < keys.length; i++) {
    const r = evaluateOne(env, keys[i]!, context, userRef);
    counts[(slots[i] = r.ok ? reasonSlot(r.reason) : ERROR_SLOT)]!++;
    parts[i] = fragmentOf(env, keys[i]!, r);
  }
  const flagsJson = `[${parts.join(",")}]`;
  // The ETag covers what was evaluated, not the stream URL (whose token is fresh each time).
  const etag = `"${hash("sha1", env.revision + flagsJson, "base64url").slice(0, 22)}"`;
  const tk = context.targetingKey;
  return { flagsJson, etag, slots, targetingKey: typeof tk === "string" && tk !== "" ? tk : null };
}

// Bulk results by request body. Evaluation is a pure function of the
// environment's snapshot and the context, and SDK clients ask again with the
// same context (on every change, every poll, every page load), so a repeat
// is served from here. An entry holds only for the snapshot object it was
// computed from: any change — a kill, a cut, an approval, a reload — makes a
// new object, so a stale result is never served. Not used while users of the
// environment are over a cost ceiling (results then also depend on the user
// and the clock). Bounded: the oldest entries go first. A context is cached
// the second time it is asked for: one never seen again (a stream of new
// users) would only cost memory and garbage collection (a result kept for a
// while and then dropped is the most expensive kind of garbage).
const BULK_CACHE_ENTRIES = 10_000;
const BULK_CACHE_MAX_BODY = 1024;
const bulkCache = new Map<string, { env: EnvironmentSnapshot; result: BulkResult }>();
/** Hashes of bodies asked for once: numbers, not strings, so that a stream of new users retains nothing per request. */
const askedOnce = new Set<number>();

/** FNV-1a of the body: a collision only caches a context one request early. */
function bodyHash(body: Buffer): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < body.length; i++) h = Math.imul(h ^ body[i]!, 0x01000193);
  return h;
}

/** Caches a result whose context was asked for before (or was cached for an older snapshot). */
function remember(cacheKey: string, body: Buffer, wasCached: boolean, env: EnvironmentSnapshot, result: BulkResult): void {
  const seen = bodyHash(body);
  if (wasCached || askedOnce.delete(seen)) {
    if (wasCached) bulkCache.delete(cacheKey); // re-inserted as the newest
    else if (bulkCache.size >= BULK_CACHE_ENTRIES) bulkCache.delete(bulkCache.keys().next().value!);
    bulkCache.set(cacheKey, { env, result });
    result.cached = true;
    return;
  }
  if (askedOnce.size >= BULK_CACHE_ENTRIES) askedOnce.clear();
  askedOnce.add(seen);
}

/** The response when it can be made without I/O (the common case); null when it needs some. */
function bulkNow(req: PlainRequest, origin: string, actor: ApiKeyActor, env: EnvironmentSnapshot): PlainResponse | null {
  const tripsInForce = env.hasCostCeilings && env.trips.size > 0;
  const cacheKey = !tripsInForce && req.body.length <= BULK_CACHE_MAX_BODY ? `${env.environmentId}\n${req.body.toString("latin1")}` : null;
  const cached = cacheKey === null ? undefined : bulkCache.get(cacheKey);
  let result: BulkResult;
  let tokenUser: string | null = null;
  if (cached && cached.env === env) {
    result = cached.result;
    if (result.targetingKey !== null && env.hasCostCeilings && (tokenUser = pseudonymizeNow(actor.projectId, result.targetingKey)) === null) return null;
    const counts = flagEvaluationCounts(actor.projectId);
    for (const slot of result.slots) counts[slot]!++;
  } else {
    const parsed = parseContext(req.body);
    if (!parsed.ok) return json(400, { errorCode: parsed.errorCode, errorDetails: parsed.errorDetails });
    const tk = parsed.context.targetingKey;
    if (typeof tk === "string" && tk !== "") {
      if (tripsInForce) return null; // the user's ref needs the project's secret, and results depend on the user
      // The stream token names the user when the environment has cost ceilings; null until the project's secret is loaded.
      if (env.hasCostCeilings && (tokenUser = pseudonymizeNow(actor.projectId, tk)) === null) return null;
    }
    result = bulkResult(env, actor.projectId, parsed.context, null);
    if (cacheKey !== null) remember(cacheKey, req.body, cached !== undefined, env, result);
  }
  return bulkResponse(req, origin, actor, env, result, tokenUser);
}

const BULK_HEADERS = { "content-type": "application/json", "cache-control": "private, no-cache" };
const bulkMetadata = new WeakMap<EnvironmentSnapshot, string>();

function bulkResponse(req: PlainRequest, origin: string, actor: ApiKeyActor, env: EnvironmentSnapshot, result: BulkResult, tokenUser: string | null): PlainResponse {
  const { etag } = result;
  if (etagMatches(req.header("if-none-match"), etag)) return { status: 304, headers: { etag, "cache-control": BULK_HEADERS["cache-control"] }, body: "" };
  // The stream token is the same for a key and user while its expiry is (an hour), and so is the body:
  // a cached result keeps its encoded body for the next request of the same context.
  const now = Date.now();
  const expiry = streamTokenExpiry(now);
  const sent = result.sent;
  if (sent?.keyId === actor.keyId && sent.tokenUser === tokenUser && sent.expiry === expiry && sent.origin === origin) return sent.response;
  const token = signStreamToken({ k: actor.keyId, p: actor.projectId, e: env.environmentId, r: env.revision, ...(tokenUser !== null ? { u: tokenUser } : {}) }, now);
  let metadata = bulkMetadata.get(env);
  if (metadata === undefined) bulkMetadata.set(env, (metadata = JSON.stringify({ environment: env.environmentKey, revision: env.revision })));
  const eventStreams = JSON.stringify([{ type: "sse", url: `${origin}${STREAM_PATH}?token=${token}`, inactivityDelaySec: INACTIVITY_DELAY_SEC }]);
  const body = `{"flags":${result.flagsJson},"eventStreams":${eventStreams},"metadata":${metadata}}`;
  if (!result.cached) return { status: 200, headers: { ...BULK_HEADERS, etag }, body };
  const response = new ReusedResponse({ ...BULK_HEADERS, etag }, Buffer.from(body));
  result.sent = { keyId: actor.keyId, tokenUser, expiry, origin, response };
  return response;
}

/** A 200 kept with its cached result and handed out for every repeat of its request. */
class ReusedResponse implements PlainResponse {
  readonly status = 200;
  readonly reused = true;
  constructor(
    readonly headers: Record<string, string>,
    readonly bytes: Buffer,
  ) {}
  get body(): string {
    return this.bytes.toString("utf8");
  }
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}

/** GET /ofrep/v1/configuration */
export async function providerConfiguration(req: PlainRequest): Promise<PlainResponse> {
  try {
    await authenticateFlagsRead(req);
    return json(200, {
      name: "rampart",
      capabilities: {
        cacheInvalidation: { polling: { enabled: true, minPollingIntervalMs: 1000 } },
        flagEvaluation: { supportedTypes: ["boolean", "string", "int", "float", "object"] },
      },
    });
  } catch (err) {
    return errorBody(err);
  }
}

/** Routes an OFREP request other than the stream; null when the path is not OFREP's. */
export function routeOfrep(req: PlainRequest, origin: string): PlainResponse | Promise<PlainResponse> | null {
  const p = req.path;
  if (!p.startsWith(OFREP_PREFIX)) return null;
  const allow = (endpoint: string, run: () => PlainResponse | Promise<PlainResponse>) => {
    const method = endpointMethod(endpoint);
    return req.method === method ? run() : Promise.resolve(json(405, { errorDetails: `Use ${method}` }, { allow: method }));
  };
  if (p === EVALUATE_ALL_PATH || p === EVALUATE_ONE_PREFIX) return allow(ofrepEndpoints.evaluateAll, () => evaluateBulk(req, origin));
  if (p.startsWith(EVALUATE_ONE_PREFIX)) {
    let key: string;
    try {
      key = decodeURIComponent(p.slice(EVALUATE_ONE_PREFIX.length));
    } catch {
      return Promise.resolve(json(400, { errorCode: "PARSE_ERROR", errorDetails: "Malformed flag key in the path" }));
    }
    return allow(ofrepEndpoints.evaluateOne, () => evaluateSingle(req, key));
  }
  if (p === CONFIGURATION_PATH) return allow(ofrepEndpoints.configuration, () => providerConfiguration(req));
  return Promise.resolve(json(404, { errorDetails: "Not an OFREP endpoint" }));
}
