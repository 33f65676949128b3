// One self-healing server-sent-events connection over fetch: reconnects with
// capped, jittered exponential backoff, sends Last-Event-ID, and treats a
// connection that has been silent for too long (no heartbeat, no data) as dead.
import { backoffDelay, later, type Timer } from "./internal.js";
import { SseParser, type SseEvent } from "./sse-parser.js";

export type SseConnectionOptions = {
  fetch: typeof fetch;
  /** Headers for a connection to this URL (Last-Event-ID is added by the connection). */
  headers(url: string): Record<string, string>;
  connectTimeoutMs: number;
  /** Silence after which an open connection is considered dead. */
  deadAfterMs: number;
  reconnectDelayMs: number;
  maxReconnectDelayMs: number;
  /** The connection is established; `isReconnect` is false only for the very first one. */
  onOpen(isReconnect: boolean): void;
  /** Any bytes arrived (events, heartbeats). */
  onActivity(): void;
  onEvent(event: SseEvent): void;
  /** The connection failed or dropped; a reconnect is already scheduled. `status` is set for HTTP refusals. */
  onDown(error: unknown, status?: number): void;
};

export class SseConnection {
  open = false;
  private readonly parser: SseParser;
  private controller: AbortController | null = null;
  private reconnectTimer: Timer | null = null;
  private attempt = 0;
  private serverRetryMs: number | null = null;
  private everOpened = false;
  private stopped = false;

  constructor(
    public url: string,
    private readonly options: SseConnectionOptions,
  ) {
    this.parser = new SseParser({
      onEvent: (event) => options.onEvent(event),
      onRetry: (ms) => {
        this.serverRetryMs = ms;
      },
    });
  }

  get lastEventId(): string {
    return this.parser.lastEventId;
  }

  /** Connects now unless already connected or waiting to reconnect. */
  start(): void {
    if (this.controller || this.reconnectTimer) return;
    this.stopped = false;
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.open = false;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.controller?.abort(new Error("closed"));
    this.controller = null;
  }

  private async run(): Promise<void> {
    const controller = new AbortController();
    this.controller = controller;
    let watchdog = later(this.options.connectTimeoutMs, () => controller.abort(new Error("connect timed out")));
    const arm = (ms: number) => {
      clearTimeout(watchdog);
      watchdog = later(ms, () => controller.abort(new Error(`no heartbeat or data for ${ms} ms`)));
    };
    let failure: unknown = new Error("stream ended");
    let status: number | undefined;
    try {
      const headers: Record<string, string> = {
        Accept: "text/event-stream",
        "Cache-Control": "no-cache",
        ...this.options.headers(this.url),
      };
      if (this.parser.lastEventId) headers["Last-Event-ID"] = this.parser.lastEventId;
      const res = await this.options.fetch(this.url, { headers, signal: controller.signal, cache: "no-store" });
      const type = res.headers.get("content-type") ?? "";
      if (!res.ok || !res.body || !type.toLowerCase().includes("text/event-stream")) {
        status = res.status;
        await res.body?.cancel().catch(() => undefined);
        throw new Error(
          res.ok ? `not an event stream (content-type: ${type || "none"})` : `event stream answered HTTP ${res.status}`,
        );
      }
      const isReconnect = this.everOpened;
      this.everOpened = true;
      this.open = true;
      this.parser.reset();
      arm(this.options.deadAfterMs);
      this.options.onOpen(isReconnect);
      const reader = res.body.getReader();
      let first = true;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        arm(this.options.deadAfterMs);
        if (first) {
          // Only a connection that delivered something counts as healthy enough to reset the backoff.
          this.attempt = 0;
          first = false;
        }
        this.options.onActivity();
        this.parser.push(value);
      }
    } catch (err) {
      failure = controller.signal.aborted && controller.signal.reason !== undefined ? controller.signal.reason : err;
    } finally {
      clearTimeout(watchdog);
    }
    this.open = false;
    if (this.controller === controller) this.controller = null;
    if (this.stopped) return;
    const delay = backoffDelay(
      this.attempt++,
      this.serverRetryMs ?? this.options.reconnectDelayMs,
      this.options.maxReconnectDelayMs,
    );
    this.reconnectTimer = later(delay, () => {
      this.reconnectTimer = null;
      if (!this.stopped) void this.run();
    });
    this.options.onDown(failure, status);
  }
}
