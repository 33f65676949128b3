// Server-sent events, parsed from a fetch streaming body (EventSource does not
// exist in Node 20, and it cannot send headers in browsers). Follows the
// WHATWG "event stream interpretation" rules: any line ending, comments, the
// id / event / data / retry fields, and dispatch on a blank line.

export type SseEvent = {
  /** The event type; "message" when the stream names none. */
  event: string;
  data: string;
  /** The last event ID in effect when the event was dispatched. */
  id: string;
};

export type SseHandlers = {
  onEvent(event: SseEvent): void;
  /** A comment line (": ping"): the server's heartbeat. */
  onComment?(text: string): void;
  /** A valid `retry:` field: the server's reconnection delay in milliseconds. */
  onRetry?(ms: number): void;
};

export class SseParser {
  /** Persists across events and reconnects: sent back as Last-Event-ID. */
  lastEventId = "";
  private buffer = "";
  private sawFirstChunk = false;
  private pendingCr = false;
  private data: string[] = [];
  private eventType = "";
  private readonly decoder = new TextDecoder();

  constructor(private readonly handlers: SseHandlers) {}

  /** Feeds raw bytes (or already-decoded text). */
  push(chunk: Uint8Array | string): void {
    let text = typeof chunk === "string" ? chunk : this.decoder.decode(chunk, { stream: true });
    if (!this.sawFirstChunk && text.length > 0) {
      this.sawFirstChunk = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    // A CR that ended the previous chunk already ended its line; a LF right after it is the same line break.
    if (this.pendingCr && text.startsWith("\n")) text = text.slice(1);
    this.pendingCr = false;
    this.buffer += text;

    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const ch = this.buffer.charCodeAt(i);
      if (ch !== 0x0a && ch !== 0x0d) continue;
      this.line(this.buffer.slice(start, i));
      if (ch === 0x0d) {
        if (i + 1 === this.buffer.length) this.pendingCr = true;
        else if (this.buffer.charCodeAt(i + 1) === 0x0a) i++;
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
  }

  /** Forgets a half-received event (the connection dropped); keeps lastEventId. */
  reset(): void {
    this.buffer = "";
    this.pendingCr = false;
    this.data = [];
    this.eventType = "";
  }

  private line(line: string): void {
    if (line === "") return this.dispatch();
    if (line.startsWith(":")) {
      this.handlers.onComment?.(line.slice(1).trimStart());
      return;
    }
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "event":
        this.eventType = value;
        break;
      case "data":
        this.data.push(value);
        break;
      case "id":
        if (!value.includes("\u0000")) this.lastEventId = value;
        break;
      case "retry":
        if (/^\d+$/.test(value)) this.handlers.onRetry?.(Number(value));
        break;
      default:
        // Unknown fields are ignored, as the spec says.
        break;
    }
  }

  private dispatch(): void {
    const event = this.eventType || "message";
    const hasData = this.data.length > 0;
    const data = this.data.join("\n");
    this.data = [];
    this.eventType = "";
    if (!hasData) return;
    this.handlers.onEvent({ event, data, id: this.lastEventId });
  }
}
