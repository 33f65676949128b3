// The drill's client: posts batches of interactions with classifier verdicts
// at a steady rate, as an app using the SDK would, and keeps a ledger of every
// event it sent and whether ingest acknowledged it (a 2xx whose per-event
// status is accepted or duplicate). A request that fails or times out is not
// acknowledged, and is sent again later with the same ids (as the SDK
// retries): whether the first try was stored or not, the retry must be
// answered accepted or duplicate, never stored twice.
import http from "node:http";

export type Kind = "interaction" | "verdict";
export type Sent = { kind: Kind; id: string; requestId: string; flagged: boolean };
type Batch = { events: Sent[]; body: string; tries: number; nextTryAt: number };
type Outcome = { status: number; retryAfter: string | null; ms: number; body: string } | { error: string; ms: number };

const REQUEST_TIMEOUT_MS = 10_000;
const RETRY_AFTER_MS = 2_000;

export class Ledger {
  readonly sent = new Map<string, Sent>();
  readonly acked = new Set<string>();
  /** Acknowledged as "duplicate" at least once (a retry of something already stored). */
  readonly duplicates = new Set<string>();
  readonly rejected: string[] = [];
  requests = 0;
  readonly statuses: Record<string, number> = {};
  readonly failures: Record<string, number> = {};
  retries = 0;

  key(kind: Kind, id: string) {
    return `${kind}:${id}`;
  }
}

export function postJson(agent: http.Agent, url: URL, headers: Record<string, string>, body: string, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, retryAfter: (res.headers["retry-after"] as string | undefined) ?? null, ms: performance.now() - started, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", (err) => resolve({ error: err.message, ms: performance.now() - started }));
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error("timeout")));
    req.on("error", (err) => resolve({ error: (err as NodeJS.ErrnoException).code ?? err.message, ms: performance.now() - started }));
    req.end(body);
  });
}

export class LoadGenerator {
  readonly ledger = new Ledger();
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 24 });
  private readonly url: URL;
  private readonly headers: Record<string, string>;
  private next = 0;
  private retryQueue: Batch[] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly pending = new Set<Promise<void>>();
  /** Acknowledgements received, with when, to show ingest kept accepting during a fault. */
  readonly ackTimes: number[] = [];

  constructor(
    baseUrl: string,
    apiKey: string,
    private readonly runId: string,
    private readonly opts: { eventsPerSecond: number; interactionsPerBatch: number; flaggedShare: number; maxInFlight: number },
  ) {
    this.url = new URL("/api/v1/events", baseUrl);
    this.headers = { authorization: `Bearer ${apiKey}` };
  }

  /** One interaction and its verdict; flagged ones must each get exactly one triage item. */
  makeEvents(prefix: string, count: number, flaggedShare = this.opts.flaggedShare): { events: Sent[]; body: string } {
    const sent: Sent[] = [];
    const payload: object[] = [];
    const now = new Date().toISOString();
    for (let i = 0; i < count; i++) {
      const n = this.next++;
      const requestId = `${prefix}-${this.runId}-${n}`;
      // Spread evenly rather than at random, so that the share holds in every batch.
      const flagged = Math.floor((n + 1) * flaggedShare) > Math.floor(n * flaggedShare);
      payload.push(
        {
          type: "interaction",
          requestId,
          occurredAt: now,
          model: { provider: "openai", id: "gpt-4.1-mini" },
          prompt: [{ role: "user", content: `Drill question ${n}: how do I reset my password?` }],
          response: flagged ? `Drill answer ${n} that a classifier did not like.` : `Drill answer ${n}: open Settings → Security.`,
          userId: `drill-user-${n % 500}`,
          latencyMs: 500 + (n % 700),
        },
        {
          type: "verdict",
          eventId: `v-${requestId}`,
          requestId,
          occurredAt: now,
          classifier: { name: "llama-guard", version: "3" },
          scores: { S10: flagged ? 0.93 : 0.02 },
          decision: flagged ? "flag" : "pass",
        },
      );
      sent.push({ kind: "interaction", id: requestId, requestId, flagged }, { kind: "verdict", id: `v-${requestId}`, requestId, flagged });
    }
    for (const s of sent) this.ledger.sent.set(this.ledger.key(s.kind, s.id), s);
    return { events: sent, body: JSON.stringify({ events: payload }) };
  }

  start(): void {
    const perBatch = this.opts.interactionsPerBatch * 2;
    const intervalMs = (1000 * perBatch) / this.opts.eventsPerSecond;
    this.timer = setInterval(() => this.tick(), intervalMs);
  }

  private tick() {
    const now = Date.now();
    const due = this.retryQueue.filter((b) => b.nextTryAt <= now);
    this.retryQueue = this.retryQueue.filter((b) => b.nextTryAt > now);
    for (const b of due) this.track(this.send(b));
    if (this.inFlight >= this.opts.maxInFlight) return;
    const { events, body } = this.makeEvents("rel", this.opts.interactionsPerBatch);
    this.track(this.send({ events, body, tries: 0, nextTryAt: 0 }));
  }

  private track(p: Promise<void>) {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Sends a batch once; on failure it goes back on the retry queue. */
  async send(batch: Batch): Promise<void> {
    await this.sendOnce(batch, true);
  }

  /** One request; `retry` puts an unacknowledged batch back on the queue. */
  async sendOnce(batch: Batch, retry: boolean): Promise<Outcome> {
    const l = this.ledger;
    this.inFlight++;
    l.requests++;
    if (batch.tries > 0) l.retries++;
    batch.tries++;
    const out = await postJson(this.agent, this.url, this.headers, batch.body);
    this.inFlight--;
    if ("error" in out) {
      l.failures[out.error] = (l.failures[out.error] ?? 0) + 1;
    } else {
      l.statuses[out.status] = (l.statuses[out.status] ?? 0) + 1;
      if (out.status >= 200 && out.status < 300) {
        this.recordAcks(batch, out.body);
        return out;
      }
    }
    if (retry) {
      batch.nextTryAt = Date.now() + RETRY_AFTER_MS;
      this.retryQueue.push(batch);
    }
    return out;
  }

  private recordAcks(batch: Batch, body: string) {
    const l = this.ledger;
    const parsed = JSON.parse(body) as { results: { index: number; status: string }[] };
    parsed.results.forEach((r) => {
      const ev = batch.events[r.index]!;
      const key = l.key(ev.kind, ev.id);
      if (r.status === "accepted" || r.status === "duplicate") {
        l.acked.add(key);
        this.ackTimes.push(Date.now());
        if (r.status === "duplicate") l.duplicates.add(key);
      } else {
        l.rejected.push(`${key}: ${JSON.stringify(r)}`);
      }
    });
  }

  /** One batch sent now (canaries, probes), its answer returned; if refused, it is retried later like the rest. */
  async sendTracked(prefix: string, count: number, flaggedShare = 1): Promise<{ outcome: Outcome; events: Sent[] }> {
    const { events, body } = this.makeEvents(prefix, count, flaggedShare);
    const outcome = await this.sendOnce({ events, body, tries: 0, nextTryAt: 0 }, true);
    return { outcome, events };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  get retriesPending(): number {
    return this.retryQueue.length;
  }

  /** Keeps retrying what was never acknowledged, until all is or the time is up. */
  async drainRetries(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((this.retryQueue.length > 0 || this.pending.size > 0) && Date.now() < deadline) {
      const now = Date.now();
      const due = this.retryQueue.filter((b) => b.nextTryAt <= now);
      this.retryQueue = this.retryQueue.filter((b) => b.nextTryAt > now);
      for (const b of due) this.track(this.send(b));
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  close(): void {
    this.agent.destroy();
  }
}
