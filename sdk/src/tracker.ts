// The tracker: buffers interactions, verdicts and reports and sends them in
// batches to POST /api/v1/events. It never blocks and never throws into the
// host app: the buffer is bounded (the oldest events give way), failures go to
// onError, and its timers never keep a Node process alive on their own.
import {
  backoffDelay,
  errorMessage,
  httpRequest,
  joinUrl,
  later,
  parseJson,
  parseRetryAfter,
  safeCall,
  sleep,
  type HttpResult,
  type Timer,
  utf8Length,
  uuid,
} from "./internal.js";
import {
  INGEST_LIMITS,
  type EventStatus,
  type IngestEvent,
  type InteractionEvent,
  type OutcomeEvent,
  type ReportEvent,
  type VerdictEvent,
} from "./wire-types.js";

export type TrackerOptions = {
  baseUrl: string;
  /** A project API key with events:write (reports:write is enough for reportOnce). */
  apiKey: string;
  /** Events per request; at most (and by default) 500. A full batch is sent at once. */
  maxBatch?: number;
  /** Bytes per request body; at most (and by default) 1 MiB. */
  maxBatchBytes?: number;
  /** Buffered events are sent at least this often. Default 5 000. */
  flushIntervalMs?: number;
  /** Events held at most; when full, the oldest are dropped (and reported). Default 10 000. */
  maxBuffer?: number;
  /** Retries of one request on network errors, 5xx and 429 before its events are dropped. Default 5. */
  maxRetries?: number;
  /** First retry delay; doubles per attempt, with jitter. Default 500. */
  retryBaseMs?: number;
  /** Cap of the retry delay, and of a server's Retry-After. Default 30 000. */
  maxRetryDelayMs?: number;
  /** Deadline of one request. Default 10 000. */
  requestTimeoutMs?: number;
  /** Default `environment` of interactions. */
  environment?: string;
  fetch?: typeof fetch;
  /** Told about every event that will not be stored: rejected, dropped or given up on. */
  onError?: (error: TrackerError) => void;
};

export type TrackerError = {
  /**
   * rejected: the server refused the event (invalid; never retried).
   * dropped: the SDK discarded it (buffer full, too large, tracker closed).
   * failed: the request was refused (4xx) or retries ran out.
   */
  kind: "rejected" | "dropped" | "failed";
  message: string;
  events: IngestEvent[];
  /** For rejected events: where the event is invalid. */
  errors?: { path: string; message: string }[];
  reason?: "buffer_full" | "too_large" | "closed";
  status?: number;
  code?: string;
};

export type TrackerStats = {
  buffered: number;
  inFlight: number;
  accepted: number;
  duplicate: number;
  rejected: number;
  dropped: number;
  failed: number;
};

type WithOptionalEnvelope<E, Id extends string> = Omit<E, "type" | Id | "occurredAt"> & {
  /** Client-generated when omitted. */
  occurredAt?: string | Date;
} & { [K in Id]?: string };

export type InteractionInput = WithOptionalEnvelope<InteractionEvent, "requestId">;
export type VerdictInput = Omit<WithOptionalEnvelope<VerdictEvent, "eventId">, "scores"> & {
  scores?: VerdictEvent["scores"];
};
export type ReportInput = WithOptionalEnvelope<ReportEvent, "eventId">;
export type OutcomeInput = WithOptionalEnvelope<OutcomeEvent, "eventId">;

export type ReportResult =
  | { ok: true; status: EventStatus; eventId: string }
  | {
      ok: false;
      eventId: string;
      message: string;
      status?: number;
      code?: string;
      errors?: { path: string; message: string }[];
    };

export interface Tracker {
  /** Buffers an interaction; returns its requestId (generated unless given). */
  trackInteraction(input: InteractionInput): string;
  /** Buffers a classifier verdict; returns its eventId. */
  trackVerdict(input: VerdictInput): string;
  /** Buffers a user report; returns its eventId. */
  trackReport(input: ReportInput): string;
  /** Buffers a business outcome (for the ROI dashboard); returns its eventId. */
  trackOutcome(input: OutcomeInput): string;
  /** Sends one report right away (POST /api/v1/reports), retrying like batches. Never rejects. */
  reportOnce(input: ReportInput): Promise<ReportResult>;
  /** Sends everything buffered so far; resolves when each of those events is stored, rejected or dropped. Never rejects. */
  flush(): Promise<void>;
  /** Flushes, then stops; later events are dropped. Never rejects. */
  close(): Promise<void>;
  stats(): TrackerStats;
}

type Entry = { seq: number; event: IngestEvent; bytes: number };

const EVENTS_PATH = "/api/v1/events";
const REPORTS_PATH = "/api/v1/reports";
// `{"events":[` + `]}`
const ENVELOPE_BYTES = 13;

export function createTracker(options: TrackerOptions): Tracker {
  return new TrackerImpl(options);
}

class TrackerImpl implements Tracker {
  private readonly fetchImpl: typeof fetch;
  private readonly maxBatch: number;
  private readonly maxBatchBytes: number;
  private readonly flushIntervalMs: number;
  private readonly maxBuffer: number;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly requestTimeoutMs: number;
  private buffer: Entry[] = [];
  private seq = 0;
  /** Events up to this sequence number are due now (timer, flush, close), not only full batches. */
  private dueUpTo = 0;
  private inFlight: Entry[] = [];
  private currentSend: Promise<void> | null = null;
  private loopRunning = false;
  private flushTimer: Timer | null = null;
  /** Explicit flush()/close() calls waiting: while any are, retry waits keep the process alive. */
  private waiters = 0;
  private closed = false;
  private readonly counts = { accepted: 0, duplicate: 0, rejected: 0, dropped: 0, failed: 0 };

  constructor(private readonly options: TrackerOptions) {
    const globalFetch = typeof fetch === "function" ? fetch.bind(globalThis) : undefined;
    const fetchImpl = options.fetch ?? globalFetch;
    if (!fetchImpl) throw new Error("@rampart/sdk: no fetch implementation available; pass options.fetch");
    this.fetchImpl = fetchImpl;
    this.maxBatch = clamp(options.maxBatch ?? INGEST_LIMITS.maxEvents, 1, INGEST_LIMITS.maxEvents);
    this.maxBatchBytes = clamp(options.maxBatchBytes ?? INGEST_LIMITS.maxBytes, 1024, INGEST_LIMITS.maxBytes);
    this.flushIntervalMs = Math.max(1, options.flushIntervalMs ?? 5_000);
    this.maxBuffer = Math.max(1, options.maxBuffer ?? 10_000);
    this.maxRetries = Math.max(0, options.maxRetries ?? 5);
    this.retryBaseMs = Math.max(1, options.retryBaseMs ?? 500);
    this.maxRetryDelayMs = Math.max(1, options.maxRetryDelayMs ?? 30_000);
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  }

  trackInteraction(input: InteractionInput): string {
    const requestId = input.requestId ?? uuid();
    const environment = input.environment ?? this.options.environment;
    this.enqueue({
      ...input,
      type: "interaction",
      requestId,
      occurredAt: isoTime(input.occurredAt),
      ...(environment !== undefined ? { environment } : {}),
    });
    return requestId;
  }

  trackVerdict(input: VerdictInput): string {
    const eventId = input.eventId ?? uuid();
    this.enqueue({
      ...input,
      type: "verdict",
      eventId,
      occurredAt: isoTime(input.occurredAt),
      scores: input.scores ?? {},
    });
    return eventId;
  }

  trackReport(input: ReportInput): string {
    const eventId = input.eventId ?? uuid();
    this.enqueue({ ...input, type: "report", eventId, occurredAt: isoTime(input.occurredAt) });
    return eventId;
  }

  trackOutcome(input: OutcomeInput): string {
    const eventId = input.eventId ?? uuid();
    this.enqueue({ ...input, type: "outcome", eventId, occurredAt: isoTime(input.occurredAt) });
    return eventId;
  }

  async reportOnce(input: ReportInput): Promise<ReportResult> {
    const eventId = input.eventId ?? uuid();
    const body = JSON.stringify({ ...input, eventId, occurredAt: isoTime(input.occurredAt) });
    const outcome = await this.post(REPORTS_PATH, body, true);
    if ("error" in outcome) return { ok: false, eventId, message: outcome.error };
    const { res } = outcome;
    const parsed = parseJson(res.body) as Partial<EventStatus> | undefined;
    if (res.status >= 200 && res.status < 300 && parsed && typeof parsed.status === "string") {
      if (parsed.status === "rejected") {
        const errors = (parsed as { errors?: { path: string; message: string }[] }).errors ?? [];
        return { ok: false, eventId, message: "Report rejected", status: res.status, errors };
      }
      return { ok: true, status: parsed as EventStatus, eventId };
    }
    const err = apiError(res);
    return {
      ok: false,
      eventId,
      message: err.message,
      status: res.status,
      ...(err.code ? { code: err.code } : {}),
      ...(err.details ? { errors: err.details } : {}),
    };
  }

  async flush(): Promise<void> {
    const target = this.seq;
    this.dueUpTo = Math.max(this.dueUpTo, target);
    this.waiters++;
    try {
      this.kick();
      while (this.pendingUpTo(target)) {
        if (!this.loopRunning) this.kick();
        if (!this.currentSend) break;
        await this.currentSend;
      }
    } catch {
      // flush never rejects; failures were reported through onError.
    } finally {
      this.waiters--;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
  }

  stats(): TrackerStats {
    return { buffered: this.buffer.length, inFlight: this.inFlight.length, ...this.counts };
  }

  // ── Buffering ──────────────────────────────────────────────────────────────

  private enqueue(event: IngestEvent): void {
    try {
      if (this.closed) return this.drop([event], "closed", "Tracker is closed");
      const bytes = utf8Length(JSON.stringify(event));
      if (bytes + ENVELOPE_BYTES > this.maxBatchBytes) {
        return this.drop(
          [event],
          "too_large",
          `Event of ${bytes} bytes exceeds the ${this.maxBatchBytes}-byte request limit`,
        );
      }
      if (this.buffer.length >= this.maxBuffer) {
        const oldest = this.buffer.splice(0, this.buffer.length - this.maxBuffer + 1);
        this.drop(
          oldest.map((e) => e.event),
          "buffer_full",
          `Buffer full (${this.maxBuffer} events): dropped the oldest`,
        );
      }
      this.buffer.push({ seq: ++this.seq, event, bytes });
      if (this.buffer.length >= this.maxBatch) this.kick();
      else this.armTimer();
    } catch (err) {
      // e.g. a value JSON cannot serialize (a BigInt, a cycle): the event is lost, the host app is not.
      this.drop([event], "too_large", `Event could not be serialized: ${errorMessage(err)}`);
    }
  }

  private drop(events: IngestEvent[], reason: NonNullable<TrackerError["reason"]>, message: string): void {
    this.counts.dropped += events.length;
    safeCall(this.options.onError, { kind: "dropped", reason, message, events });
  }

  private armTimer(): void {
    if (this.flushTimer || this.buffer.length === 0) return;
    this.flushTimer = later(this.flushIntervalMs, () => {
      this.flushTimer = null;
      this.dueUpTo = Math.max(this.dueUpTo, this.seq);
      this.kick();
    });
  }

  private pendingUpTo(target: number): boolean {
    const head = this.buffer[0];
    const inflight = this.inFlight[0];
    return (head !== undefined && head.seq <= target) || (inflight !== undefined && inflight.seq <= target);
  }

  private shouldSend(): boolean {
    const head = this.buffer[0];
    return head !== undefined && (this.buffer.length >= this.maxBatch || head.seq <= this.dueUpTo);
  }

  /** Starts the send loop if it is not running: one request at a time, oldest events first. */
  private kick(): void {
    if (this.loopRunning || !this.shouldSend()) return;
    this.loopRunning = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    void this.loop();
  }

  private async loop(): Promise<void> {
    try {
      while (this.shouldSend()) {
        const batch = this.takeBatch();
        this.inFlight = batch;
        this.currentSend = this.sendBatch(batch.map((e) => e.event)).catch(() => undefined);
        await this.currentSend;
        this.inFlight = [];
      }
    } finally {
      this.inFlight = [];
      this.currentSend = null;
      this.loopRunning = false;
      this.armTimer();
    }
  }

  private takeBatch(): Entry[] {
    let bytes = ENVELOPE_BYTES;
    let n = 0;
    for (const entry of this.buffer) {
      const next = bytes + entry.bytes + (n > 0 ? 1 : 0);
      if (n >= this.maxBatch || (n > 0 && next > this.maxBatchBytes)) break;
      bytes = next;
      n++;
    }
    return this.buffer.splice(0, n);
  }

  // ── Sending ────────────────────────────────────────────────────────────────

  private async sendBatch(events: IngestEvent[]): Promise<void> {
    const outcome = await this.post(EVENTS_PATH, JSON.stringify({ events }), this.waiters > 0);
    if ("error" in outcome) return this.failed(events, outcome.error);
    const { res } = outcome;
    if (res.status >= 200 && res.status < 300) return this.settle(events, parseJson(res.body));
    // The server measures differently than we do (or lowered its limit): halve and try again.
    if (res.status === 413 && events.length > 1) {
      const half = Math.ceil(events.length / 2);
      await this.sendBatch(events.slice(0, half));
      return this.sendBatch(events.slice(half));
    }
    const err = apiError(res);
    this.failed(events, `Events refused with HTTP ${res.status}: ${err.message}`, res.status, err.code);
  }

  /**
   * POSTs with retries on network errors, 5xx and 429 (honouring Retry-After),
   * exponential backoff with jitter in between. Anything else is final.
   */
  private async post(path: string, body: string, keepAlive: boolean): Promise<{ res: HttpResult } | { error: string }> {
    const url = joinUrl(this.options.baseUrl, path);
    const init: RequestInit = {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        Authorization: `Bearer ${this.options.apiKey}`,
      },
      body,
    };
    for (let attempt = 0; ; attempt++) {
      let res: HttpResult | null = null;
      let error = "";
      try {
        res = await httpRequest(this.fetchImpl, url, init, this.requestTimeoutMs);
      } catch (err) {
        error = `Network error: ${errorMessage(err)}`;
      }
      const retryable = res === null || res.status === 429 || res.status >= 500;
      if (!retryable && res) return { res };
      if (attempt >= this.maxRetries) {
        if (res) return { res };
        return { error: `${error} (after ${attempt + 1} attempts)` };
      }
      const retryAfter = res ? parseRetryAfter(res.headers.get("retry-after")) : null;
      const delay = retryAfter ?? backoffDelay(attempt, this.retryBaseMs, this.maxRetryDelayMs);
      await sleep(Math.min(delay, this.maxRetryDelayMs), keepAlive || this.waiters > 0);
    }
  }

  private settle(events: IngestEvent[], body: unknown): void {
    const results = (body as { results?: unknown } | undefined)?.results;
    if (!Array.isArray(results)) {
      // A 2xx without per-event statuses: the server took the batch.
      this.counts.accepted += events.length;
      return;
    }
    for (const result of results as EventStatus[]) {
      if (!result || typeof result !== "object") continue;
      if (result.status === "accepted") this.counts.accepted++;
      else if (result.status === "duplicate") this.counts.duplicate++;
      else if (result.status === "rejected") {
        this.counts.rejected++;
        const event = events[result.index];
        const errors = Array.isArray(result.errors) ? result.errors : [];
        safeCall(this.options.onError, {
          kind: "rejected",
          message: `Event ${result.id ?? `#${result.index}`} rejected: ${errors.map((e) => `${e.path || "(event)"} ${e.message}`).join("; ") || "invalid"}`,
          events: event ? [event] : [],
          errors,
        });
      }
    }
  }

  private failed(events: IngestEvent[], message: string, status?: number, code?: string): void {
    this.counts.failed += events.length;
    safeCall(this.options.onError, {
      kind: "failed",
      message,
      events,
      ...(status !== undefined ? { status } : {}),
      ...(code !== undefined ? { code } : {}),
    });
  }
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.floor(n)));
}

function isoTime(value: string | Date | undefined): string {
  if (value === undefined) return new Date().toISOString();
  return typeof value === "string" ? value : value.toISOString();
}

function apiError(res: HttpResult): { message: string; code?: string; details?: { path: string; message: string }[] } {
  const body = parseJson(res.body) as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined;
  const e = body?.error;
  const message = typeof e?.message === "string" ? e.message : `HTTP ${res.status}`;
  const out: { message: string; code?: string; details?: { path: string; message: string }[] } = { message };
  if (typeof e?.code === "string") out.code = e.code;
  if (Array.isArray(e?.details)) out.details = e.details as { path: string; message: string }[];
  return out;
}
