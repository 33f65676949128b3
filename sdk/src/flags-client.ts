// The flags client: bulk OFREP evaluation cached locally, kept current by the
// server's SSE push stream (polling while the stream is down), and a fail-safe:
// once the configuration is stale, kill switches and safety flags read as off.
import { errorMessage, httpRequest, joinUrl, later, parseJson, safeCall, type Timer } from "./internal.js";
import { SseConnection } from "./sse-connection.js";
import type { SseEvent } from "./sse-parser.js";
import type {
  BulkEvaluationResponse,
  EvaluationContext,
  EvaluationReason,
  EventStream,
  FlagEvaluationFailure,
  FlagEvaluationSuccess,
  FlagMetadata,
  FlagStateEntry,
  JsonValue,
} from "./wire-types.js";

export type FlagsClientOptions = {
  /** The Rampart server, e.g. "https://rampart.example.com". */
  baseUrl: string;
  /** A project API key (rmp_…) with flag evaluation scope. */
  apiKey: string;
  /** The evaluation context (targetingKey plus attributes). */
  context?: EvaluationContext;
  /**
   * How long the configuration may go without a successful fetch or any sign
   * of life on the push stream before kill switches and safety flags fail
   * safe (read as off, reason STALE). Default 60 000.
   */
  staleAfterMs?: number;
  /** Keys that fail safe when stale, besides those the server marks (kind KILL_SWITCH or safety: true). */
  safetyFlags?: readonly string[];
  /** A fetch implementation (default: the global fetch). */
  fetch?: typeof fetch;
  /** Polling interval while no push stream is connected. Default 30 000. */
  pollIntervalMs?: number;
  /** Use the server's push stream when it offers one. Default true. */
  streaming?: boolean;
  /** The server's heartbeat interval; a stream silent for twice this long is reconnected. Default 15 000. */
  heartbeatIntervalMs?: number;
  /** First reconnect delay (a `retry:` field from the server replaces it). Default 1 000. */
  reconnectDelayMs?: number;
  /** Cap of the reconnect backoff. Default 30 000. */
  maxReconnectDelayMs?: number;
  /** Deadline of one evaluation request or stream connect. Default 10 000. */
  requestTimeoutMs?: number;
  /** Told about failed fetches and dropped streams (the client keeps working from its cache). */
  onError?: (error: FlagsError) => void;
};

export type FlagsError = {
  kind: "network" | "http" | "invalid_response" | "stream";
  message: string;
  /** HTTP status, for kind "http" (and "stream" when the stream was refused). */
  status?: number;
  /** The server's error code when it sent one (OFREP errorCode or Rampart error.code). */
  code?: string;
};

export type FlagDetails = {
  key: string;
  /** The served value; null when the flag could not be evaluated (see errorCode); false for a stale safety flag. */
  value: JsonValue;
  variant?: string;
  reason: EvaluationReason;
  errorCode?: string;
  errorDetails?: string;
  metadata: FlagMetadata;
  /** The flag fails safe when the configuration is stale. */
  safety: boolean;
  /** The configuration as a whole is stale (beyond staleAfterMs). */
  stale: boolean;
};

export type FlagsStatus = {
  /** A push stream is connected. */
  streaming: boolean;
  /** Epoch ms of the last successful fetch or stream activity; 0 if never. */
  lastFreshAt: number;
  stale: boolean;
  etag: string | null;
  lastError: FlagsError | null;
};

export type ChangeListener = (changedKeys: string[]) => void;

/** Read access to one evaluation: the client's live cache, or a one-off evaluation for another context. */
export interface FlagsView {
  getBoolean(key: string, defaultValue: boolean): boolean;
  getString(key: string, defaultValue: string): string;
  getNumber(key: string, defaultValue: number): number;
  /** Object or array values. */
  getObject<T extends JsonValue>(key: string, defaultValue: T): T;
  getDetails(key: string): FlagDetails;
  /**
   * Whether the flag lets its feature run: true for a boolean flag serving
   * true; for other flags, a variant other than the fallback. Never when
   * stale (safety flags), disabled, cut off by a cost limit, or in error.
   */
  allows(key: string): boolean;
  /** What the flags served, in the shape interactions carry (`flags`), for the given keys (default: all cached). */
  snapshot(keys?: readonly string[]): Record<string, FlagStateEntry>;
  /** Keys of the evaluation. */
  keys(): string[];
  /** Beyond staleAfterMs since the last successful fetch or stream activity (or never fetched). */
  isStale(): boolean;
}

export interface FlagsClient extends FlagsView {
  /** Resolves true after the first successful evaluation, false if the first attempt failed (the client keeps trying). Never rejects. */
  ready(): Promise<boolean>;
  /** Called with the keys whose evaluation changed (including fail-safe transitions). Returns an unsubscribe function. */
  onChange(listener: ChangeListener): () => void;
  /** Replaces the evaluation context and re-evaluates. */
  setContext(context: EvaluationContext): Promise<void>;
  getContext(): EvaluationContext;
  /**
   * A one-off evaluation for another context (e.g. per request on a server),
   * leaving the client's own context and cache alone. If it fails, the view
   * has no flags: safety flags read STALE (off), others FLAG_NOT_FOUND. Never rejects.
   */
  evaluate(context: EvaluationContext): Promise<FlagsView>;
  /** Re-fetches now (unconditionally); resolves when done. Never rejects. */
  refresh(): Promise<void>;
  status(): FlagsStatus;
  /** Stops streaming and polling. The cache stays readable (and goes stale). */
  close(): void;
}

type CachedFlag = FlagEvaluationSuccess | FlagEvaluationFailure;
type RefreshOptions = { unconditional?: boolean; sse?: { etag?: string; lastModified?: string } };

const OFREP_BULK_PATH = "/ofrep/v1/evaluate/flags";
const REFUSED_STREAM = new Set([401, 403, 404, 410]);
const NOT_ALLOWED_REASONS = new Set(["STALE", "DISABLED", "COST_LIMIT", "ERROR"]);

export function createFlagsClient(options: FlagsClientOptions): FlagsClient {
  return new FlagsClientImpl(options);
}

class FlagsClientImpl implements FlagsClient {
  private readonly fetchImpl: typeof fetch;
  private readonly staleAfterMs: number;
  private readonly pollIntervalMs: number;
  private readonly requestTimeoutMs: number;
  private readonly safetyKeys: ReadonlySet<string>;
  private context: EvaluationContext;
  private contextGeneration = 0;
  private flags = new Map<string, CachedFlag>();
  private etag: string | null = null;
  private lastFreshAt = 0;
  private lastError: FlagsError | null = null;
  private closed = false;
  private staleAnnounced = true;
  private staleTimer: Timer | null = null;
  private pollTimer: Timer | null = null;
  private inflight: Promise<void> | null = null;
  private followUp: Promise<void> | null = null;
  private queued: RefreshOptions | null = null;
  private streams: SseConnection[] = [];
  private streamsPaused = false;
  private inactivityDelaySec: number | null = null;
  private inactivityTimer: Timer | null = null;
  private readonly listeners = new Set<ChangeListener>();
  private readyResolve: ((ok: boolean) => void) | null = null;
  private readonly readyPromise: Promise<boolean>;
  private readonly detachVisibility: () => void;
  private readonly view: FlagsViewImpl;

  constructor(private readonly options: FlagsClientOptions) {
    const globalFetch = typeof fetch === "function" ? fetch.bind(globalThis) : undefined;
    const fetchImpl = options.fetch ?? globalFetch;
    if (!fetchImpl) throw new Error("@rampart/sdk: no fetch implementation available; pass options.fetch");
    this.fetchImpl = fetchImpl;
    this.staleAfterMs = options.staleAfterMs ?? 60_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 30_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.safetyKeys = new Set(options.safetyFlags ?? []);
    this.context = { ...(options.context ?? {}) };
    this.view = new FlagsViewImpl(
      () => ({ flags: this.flags, lastFreshAt: this.lastFreshAt }),
      this.staleAfterMs,
      this.safetyKeys,
    );
    this.readyPromise = new Promise((resolve) => {
      this.readyResolve = resolve;
    });
    this.detachVisibility = this.watchVisibility();
    void this.refreshCoalesced({}).then(() => this.schedulePoll());
  }

  // ── Reading (delegated to the view over the live cache) ─────────────────────

  ready(): Promise<boolean> {
    return this.readyPromise;
  }

  isStale(): boolean {
    return this.view.isStale();
  }

  getDetails(key: string): FlagDetails {
    return this.view.getDetails(key);
  }

  getBoolean(key: string, defaultValue: boolean): boolean {
    return this.view.getBoolean(key, defaultValue);
  }

  getString(key: string, defaultValue: string): string {
    return this.view.getString(key, defaultValue);
  }

  getNumber(key: string, defaultValue: number): number {
    return this.view.getNumber(key, defaultValue);
  }

  getObject<T extends JsonValue>(key: string, defaultValue: T): T {
    return this.view.getObject(key, defaultValue);
  }

  allows(key: string): boolean {
    return this.view.allows(key);
  }

  snapshot(keys?: readonly string[]): Record<string, FlagStateEntry> {
    return this.view.snapshot(keys);
  }

  keys(): string[] {
    return this.view.keys();
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  getContext(): EvaluationContext {
    return { ...this.context };
  }

  status(): FlagsStatus {
    return {
      streaming: this.streams.some((s) => s.open),
      lastFreshAt: this.lastFreshAt,
      stale: this.isStale(),
      etag: this.etag,
      lastError: this.lastError,
    };
  }

  // ── Refreshing ─────────────────────────────────────────────────────────────

  setContext(context: EvaluationContext): Promise<void> {
    this.context = { ...context };
    this.contextGeneration++;
    // A cached ETag belongs to the old context.
    this.etag = null;
    return this.refreshCoalesced({ unconditional: true });
  }

  refresh(): Promise<void> {
    return this.refreshCoalesced({ unconditional: true });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.streams) s.stop();
    this.streams = [];
    for (const t of [this.pollTimer, this.staleTimer, this.inactivityTimer]) if (t) clearTimeout(t);
    this.pollTimer = this.staleTimer = this.inactivityTimer = null;
    this.detachVisibility();
    this.listeners.clear();
    this.settleReady(false);
  }

  /**
   * At most one evaluation request in flight; whatever is asked for meanwhile
   * (a burst of push events, a poll) is merged into a single follow-up request,
   * which starts after the current one so it sees the latest configuration.
   */
  private refreshCoalesced(opts: RefreshOptions): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.inflight) {
      this.queued = {
        unconditional: Boolean(this.queued?.unconditional || opts.unconditional),
        ...((opts.sse ?? this.queued?.sse) ? { sse: opts.sse ?? this.queued?.sse } : {}),
      };
      this.followUp ??= this.inflight.then(() => {
        const next = this.queued ?? {};
        this.queued = null;
        this.followUp = null;
        return this.refreshCoalesced(next);
      });
      return this.followUp;
    }
    const run: Promise<void> = this.fetchEvaluation(opts)
      .catch((err: unknown) =>
        this.fail({ kind: "invalid_response", message: `Flag evaluation could not be applied: ${errorMessage(err)}` }),
      )
      .finally(() => {
        if (this.inflight === run) this.inflight = null;
      });
    this.inflight = run;
    return run;
  }

  private async fetchEvaluation(opts: RefreshOptions): Promise<void> {
    const generation = this.contextGeneration;
    const result = await this.requestEvaluation(this.context, opts.unconditional ? null : this.etag, opts.sse);
    if (this.closed || generation !== this.contextGeneration) return;
    if (result.kind === "error") return this.fail(result.error);
    if (result.kind === "not_modified") {
      this.emit(this.markFresh());
      this.settleReady(true);
      return;
    }
    const changed = this.apply(result.body);
    this.etag = result.etag;
    this.emit([...changed, ...this.markFresh()]);
    this.settleReady(true);
  }

  async evaluate(context: EvaluationContext): Promise<FlagsView> {
    const result = await this.requestEvaluation({ ...context }, null, undefined);
    const state: EvaluationState = { flags: new Map(), lastFreshAt: 0 };
    if (result.kind === "error") {
      if (!this.closed) safeCall(this.options.onError, result.error);
    } else if (result.kind === "ok") {
      state.flags = toFlagMap(result.body);
      state.lastFreshAt = Date.now();
    }
    return new FlagsViewImpl(() => state, this.staleAfterMs, this.safetyKeys);
  }

  /** One bulk evaluation request. Never rejects. */
  private async requestEvaluation(
    context: EvaluationContext,
    etag: string | null,
    sse: RefreshOptions["sse"],
  ): Promise<
    | { kind: "ok"; body: BulkEvaluationResponse; etag: string | null }
    | { kind: "not_modified" }
    | { kind: "error"; error: FlagsError }
  > {
    const query = new URLSearchParams();
    if (sse?.etag) query.set("sseEtag", sse.etag);
    if (sse?.lastModified) query.set("sseLastModified", sse.lastModified);
    const url = joinUrl(this.options.baseUrl, OFREP_BULK_PATH) + (query.toString() ? `?${query.toString()}` : "");
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      Accept: "application/json",
      Authorization: `Bearer ${this.options.apiKey}`,
    };
    if (etag) headers["If-None-Match"] = etag;
    let res;
    try {
      res = await httpRequest(
        this.fetchImpl,
        url,
        { method: "POST", headers, body: JSON.stringify({ context }), cache: "no-store" },
        this.requestTimeoutMs,
      );
    } catch (err) {
      return { kind: "error", error: { kind: "network", message: `Flag evaluation failed: ${errorMessage(err)}` } };
    }
    if (res.status === 304 && etag) return { kind: "not_modified" };
    const body = parseJson(res.body);
    if (res.status !== 200) {
      return {
        kind: "error",
        error: {
          kind: "http",
          status: res.status,
          message: `Flag evaluation answered HTTP ${res.status}${describeError(body)}`,
          ...errorCodeOf(body),
        },
      };
    }
    if (!isBulkResponse(body)) {
      return {
        kind: "error",
        error: { kind: "invalid_response", message: "Flag evaluation answered 200 without a `flags` array" },
      };
    }
    return { kind: "ok", body, etag: res.headers.get("etag") };
  }

  private apply(body: BulkEvaluationResponse): string[] {
    const next = toFlagMap(body);
    const changed: string[] = [];
    for (const key of new Set([...this.flags.keys(), ...next.keys()])) {
      if (JSON.stringify(this.flags.get(key)) !== JSON.stringify(next.get(key))) changed.push(key);
    }
    this.flags = next;
    this.updateStreams(Array.isArray(body.eventStreams) ? body.eventStreams : []);
    return changed;
  }

  private fail(error: FlagsError): void {
    this.lastError = error;
    safeCall(this.options.onError, error);
    this.settleReady(false);
  }

  private settleReady(ok: boolean): void {
    this.readyResolve?.(ok);
    this.readyResolve = null;
  }

  private schedulePoll(): void {
    if (this.closed || this.streams.some((s) => s.open)) return;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = later(this.pollIntervalMs, () => {
      this.pollTimer = null;
      void this.refreshCoalesced({}).then(() => this.schedulePoll());
    });
  }

  private stopPolling(): void {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
  }

  // ── Freshness and the fail-safe ───────────────────────────────────────────

  /** Records a sign of life; returns the safety keys whose reading changes because the configuration stopped being stale. */
  private markFresh(): string[] {
    this.lastFreshAt = Date.now();
    this.armStaleTimer();
    if (!this.staleAnnounced) return [];
    this.staleAnnounced = false;
    return this.view.allSafetyKeys();
  }

  /** Fires onChange for the safety flags at the moment the configuration turns stale. */
  private armStaleTimer(): void {
    if (this.staleTimer || this.closed) return;
    const due = this.lastFreshAt + this.staleAfterMs + 1 - Date.now();
    this.staleTimer = later(due, () => {
      this.staleTimer = null;
      if (this.closed) return;
      if (!this.isStale()) return this.armStaleTimer();
      if (this.staleAnnounced) return;
      this.staleAnnounced = true;
      this.emit(this.view.allSafetyKeys());
    });
  }

  private emit(keys: string[]): void {
    if (keys.length === 0 || this.closed) return;
    const unique = [...new Set(keys)];
    for (const listener of [...this.listeners]) safeCall(listener, unique);
  }

  // ── Push stream ────────────────────────────────────────────────────────────

  private updateStreams(advertised: readonly EventStream[]): void {
    if (this.options.streaming === false || this.closed) return;
    const urls: string[] = [];
    let inactivity: number | null = null;
    for (const s of advertised) {
      if (!s || s.type !== "sse" || typeof s.url !== "string") continue;
      try {
        urls.push(new URL(s.url, this.options.baseUrl).toString());
      } catch {
        continue;
      }
      if (typeof s.inactivityDelaySec === "number" && s.inactivityDelaySec > 0) inactivity = s.inactivityDelaySec;
    }
    this.inactivityDelaySec = inactivity;
    urls.forEach((url, i) => {
      const existing = this.streams[i];
      // A new URL (fresh token) is used from the next connect on; a live connection is kept.
      if (existing) existing.url = url;
      else {
        const conn = this.newStream(url);
        this.streams.push(conn);
        if (!this.streamsPaused) conn.start();
      }
    });
    for (const extra of this.streams.splice(urls.length)) extra.stop();
    if (this.streams.length === 0) this.schedulePoll();
  }

  private newStream(url: string): SseConnection {
    const heartbeat = this.options.heartbeatIntervalMs ?? 15_000;
    return new SseConnection(url, {
      fetch: this.fetchImpl,
      headers: (target): Record<string, string> =>
        sameOrigin(target, this.options.baseUrl) ? { Authorization: `Bearer ${this.options.apiKey}` } : {},
      connectTimeoutMs: this.requestTimeoutMs,
      deadAfterMs: heartbeat * 2,
      reconnectDelayMs: this.options.reconnectDelayMs ?? 1_000,
      maxReconnectDelayMs: this.options.maxReconnectDelayMs ?? 30_000,
      onOpen: (isReconnect) => {
        this.stopPolling();
        this.emit(this.markFresh());
        // Whatever changed while disconnected was missed: re-evaluate in full.
        // After the first connect a conditional request closes the gap since the initial fetch.
        void this.refreshCoalesced({ unconditional: isReconnect });
      },
      onActivity: () => this.emit(this.markFresh()),
      onEvent: (event) => this.onStreamEvent(event),
      onDown: (error, status) => {
        if (this.closed) return;
        const refused = status !== undefined ? ` (HTTP ${status})` : "";
        this.fail({
          kind: "stream",
          message: `Flag event stream down${refused}: ${errorMessage(error)}`,
          ...(status !== undefined ? { status } : {}),
        });
        this.schedulePoll();
        // The stream URL carries a short-lived token: a refusal means asking for a new URL.
        if (status !== undefined && REFUSED_STREAM.has(status)) void this.refreshCoalesced({ unconditional: true });
      },
    });
  }

  private onStreamEvent(event: SseEvent): void {
    if (event.event !== "message") return;
    const data = parseJson(event.data);
    if (!data || typeof data !== "object" || (data as { type?: unknown }).type !== "refetchEvaluation") return;
    const { etag, lastModified } = data as { etag?: unknown; lastModified?: unknown };
    const sse: RefreshOptions["sse"] = {};
    if (typeof etag === "string" && etag) sse.etag = etag;
    if (
      (typeof lastModified === "number" && Number.isFinite(lastModified)) ||
      (typeof lastModified === "string" && lastModified)
    ) {
      sse.lastModified = String(lastModified);
    }
    void this.refreshCoalesced({ sse });
  }

  /**
   * OFREP's inactivityDelaySec: in a browser tab hidden for that long the
   * stream is closed (polling goes on); when the tab is visible again the
   * stream reconnects, which re-evaluates in full.
   */
  private watchVisibility(): () => void {
    const doc = (globalThis as { document?: Document }).document;
    if (!doc || typeof doc.addEventListener !== "function") return () => undefined;
    const onVisibility = () => {
      if (this.closed) return;
      if (doc.visibilityState === "hidden") {
        if (this.inactivityDelaySec === null || this.inactivityTimer) return;
        this.inactivityTimer = later(this.inactivityDelaySec * 1000, () => {
          this.inactivityTimer = null;
          this.streamsPaused = true;
          for (const s of this.streams) s.stop();
          this.schedulePoll();
        });
      } else {
        if (this.inactivityTimer) clearTimeout(this.inactivityTimer);
        this.inactivityTimer = null;
        if (!this.streamsPaused) return;
        this.streamsPaused = false;
        for (const s of this.streams) s.start();
      }
    };
    doc.addEventListener("visibilitychange", onVisibility);
    return () => doc.removeEventListener("visibilitychange", onVisibility);
  }
}

function toFlagMap(body: BulkEvaluationResponse): Map<string, CachedFlag> {
  const map = new Map<string, CachedFlag>();
  for (const flag of body.flags) {
    if (flag && typeof flag === "object" && typeof flag.key === "string") map.set(flag.key, flag);
  }
  return map;
}

function isBulkResponse(body: unknown): body is BulkEvaluationResponse {
  return typeof body === "object" && body !== null && Array.isArray((body as { flags?: unknown }).flags);
}

function sameOrigin(url: string, baseUrl: string): boolean {
  try {
    return new URL(url).origin === new URL(baseUrl).origin;
  } catch {
    return false;
  }
}

/** A flag value as interactions carry it: scalars as they are, objects as JSON when short enough. */
function stateValue(value: JsonValue): FlagStateEntry["value"] {
  if (value === null || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length <= 1000 ? text : null;
}

function errorCodeOf(body: unknown): { code?: string } {
  if (!body || typeof body !== "object") return {};
  const b = body as { errorCode?: unknown; error?: { code?: unknown } };
  if (typeof b.errorCode === "string") return { code: b.errorCode };
  if (b.error && typeof b.error.code === "string") return { code: b.error.code };
  return {};
}

function describeError(body: unknown): string {
  if (!body || typeof body !== "object") return "";
  const b = body as { errorDetails?: unknown; error?: { message?: unknown } };
  if (typeof b.errorDetails === "string") return `: ${b.errorDetails}`;
  if (b.error && typeof b.error.message === "string") return `: ${b.error.message}`;
  return "";
}

type EvaluationState = { flags: ReadonlyMap<string, CachedFlag>; lastFreshAt: number };

class FlagsViewImpl implements FlagsView {
  constructor(
    private readonly state: () => EvaluationState,
    private readonly staleAfterMs: number,
    private readonly safetyKeys: ReadonlySet<string>,
  ) {}

  isStale(): boolean {
    const { lastFreshAt } = this.state();
    return lastFreshAt === 0 || Date.now() - lastFreshAt > this.staleAfterMs;
  }

  isSafety(key: string, metadata: FlagMetadata): boolean {
    return this.safetyKeys.has(key) || metadata.kind === "KILL_SWITCH" || metadata.safety === true;
  }

  /** The listed safety keys plus those the evaluation marks as safety flags. */
  allSafetyKeys(): string[] {
    const keys = new Set(this.safetyKeys);
    for (const [key, flag] of this.state().flags) if (this.isSafety(key, metadataOf(flag))) keys.add(key);
    return [...keys];
  }

  getDetails(key: string): FlagDetails {
    const cached = this.state().flags.get(key);
    const metadata = metadataOf(cached);
    const safety = this.isSafety(key, metadata);
    const stale = this.isStale();
    if (safety && stale) return { key, value: false, reason: "STALE", metadata, safety, stale };
    if (!cached) return { key, value: null, reason: "ERROR", errorCode: "FLAG_NOT_FOUND", metadata, safety, stale };
    if ("errorCode" in cached) {
      return {
        key,
        value: null,
        reason: "ERROR",
        errorCode: cached.errorCode,
        ...(cached.errorDetails !== undefined ? { errorDetails: cached.errorDetails } : {}),
        metadata,
        safety,
        stale,
      };
    }
    return {
      key,
      value: cached.value,
      ...(typeof cached.variant === "string" ? { variant: cached.variant } : {}),
      reason: cached.reason ?? "UNKNOWN",
      metadata,
      safety,
      stale,
    };
  }

  getBoolean(key: string, defaultValue: boolean): boolean {
    const d = this.getDetails(key);
    if (d.reason === "STALE") return false;
    return d.errorCode === undefined && typeof d.value === "boolean" ? d.value : defaultValue;
  }

  getString(key: string, defaultValue: string): string {
    const d = this.getDetails(key);
    return d.reason !== "STALE" && d.errorCode === undefined && typeof d.value === "string" ? d.value : defaultValue;
  }

  getNumber(key: string, defaultValue: number): number {
    const d = this.getDetails(key);
    return d.reason !== "STALE" && d.errorCode === undefined && typeof d.value === "number" ? d.value : defaultValue;
  }

  getObject<T extends JsonValue>(key: string, defaultValue: T): T {
    const d = this.getDetails(key);
    return d.reason !== "STALE" && d.errorCode === undefined && typeof d.value === "object" && d.value !== null
      ? (d.value as T)
      : defaultValue;
  }

  allows(key: string): boolean {
    const d = this.getDetails(key);
    if (d.errorCode !== undefined || NOT_ALLOWED_REASONS.has(d.reason)) return false;
    if (typeof d.value === "boolean") return d.value;
    if (d.value === null) return false;
    const fallback = d.metadata.fallbackVariant;
    return typeof fallback === "string" ? d.variant !== undefined && d.variant !== fallback : true;
  }

  snapshot(keys?: readonly string[]): Record<string, FlagStateEntry> {
    const out: Record<string, FlagStateEntry> = {};
    for (const key of (keys ?? this.keys()).slice(0, 200)) {
      const d = this.getDetails(key);
      const entry: FlagStateEntry = { value: stateValue(d.value) };
      if (d.variant !== undefined && d.variant.length <= 200) entry.variant = d.variant;
      const version = d.metadata.version;
      if (typeof version === "number" && Number.isInteger(version) && version >= 0) entry.version = version;
      out[key] = entry;
    }
    return out;
  }

  keys(): string[] {
    return [...this.state().flags.keys()];
  }
}

function metadataOf(flag: CachedFlag | undefined): FlagMetadata {
  return flag?.metadata && typeof flag.metadata === "object" ? flag.metadata : {};
}
