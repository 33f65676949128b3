import { describe, expect, it } from "vitest";
import { SseParser, type SseEvent } from "./sse-parser.js";

function collect() {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const retries: number[] = [];
  const parser = new SseParser({
    onEvent: (e) => events.push(e),
    onComment: (c) => comments.push(c),
    onRetry: (ms) => retries.push(ms),
  });
  return { parser, events, comments, retries };
}

describe("SseParser", () => {
  it("parses events, comments, ids and retry across arbitrary chunk boundaries and line endings", () => {
    const { parser, events, comments, retries } = collect();
    const stream =
      '\uFEFFretry: 2500\r\n: ping\r\n\r\nid: e1\r\nevent: message\r\ndata: {"type":"refetchEvaluation",\r\ndata: "etag":"x"}\r\n\r\n: ping\rid: e2\rdata: two\r\r';
    const bytes = new TextEncoder().encode(stream);
    for (let i = 0; i < bytes.length; i += 3) parser.push(bytes.slice(i, i + 3));
    expect(retries).toEqual([2500]);
    expect(comments).toEqual(["ping", "ping"]);
    expect(events).toEqual([
      { event: "message", data: '{"type":"refetchEvaluation",\n"etag":"x"}', id: "e1" },
      { event: "message", data: "two", id: "e2" },
    ]);
    expect(parser.lastEventId).toBe("e2");
  });

  it("decodes multi-byte characters split between chunks and ignores events without data", () => {
    const { parser, events } = collect();
    const bytes = new TextEncoder().encode("event: custom\n\ndata: héllo ✓\n\n");
    for (const b of bytes) parser.push(new Uint8Array([b]));
    expect(events).toEqual([{ event: "message", data: "héllo ✓", id: "" }]);
  });

  it("keeps the last event id across a reset but forgets a half-received event", () => {
    const { parser, events } = collect();
    parser.push("id: 7\ndata: first\n\ndata: half");
    parser.reset();
    parser.push("data: whole\n\n");
    expect(events.map((e) => e.data)).toEqual(["first", "whole"]);
    expect(parser.lastEventId).toBe("7");
  });
});
