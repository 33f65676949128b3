import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { API_KEY, ProtocolServer, startProtocolServer, until, type FlagEval } from "../test-support/protocol-server.js";
import { createFlagsClient, type FlagsClient, type FlagsClientOptions, type FlagsError } from "./flags-client.js";

const OFREP = "/ofrep/v1/evaluate/flags";

const FLAGS: FlagEval[] = [
  { key: "chat-kill", value: true, variant: "on", reason: "STATIC", metadata: { kind: "KILL_SWITCH", version: 4 } },
  { key: "summaries", value: true, variant: "on", reason: "SPLIT", metadata: { kind: "RELEASE", version: 2 } },
  { key: "pii-filter", value: true, variant: "on", reason: "STATIC", metadata: { kind: "RELEASE" } },
  {
    key: "tone",
    value: "gpt-5",
    variant: "bold",
    reason: "TARGETING_MATCH",
    metadata: { kind: "MULTIVARIATE", fallbackVariant: "control", version: 9 },
  },
  { key: "limits", value: { max: 3 }, variant: "v1", reason: "STATIC", metadata: { kind: "MULTIVARIATE" } },
  { key: "broken", errorCode: "PARSE_ERROR", errorDetails: "bad config" },
];

let server: ProtocolServer;
let clients: FlagsClient[] = [];

beforeEach(async () => {
  server = await startProtocolServer();
  server.flags = FLAGS;
});

afterEach(async () => {
  for (const c of clients) c.close();
  clients = [];
  await server.stop();
});

function client(options: Partial<FlagsClientOptions> = {}) {
  const errors: FlagsError[] = [];
  const changes: string[][] = [];
  const c = createFlagsClient({
    baseUrl: server.url,
    apiKey: API_KEY,
    context: { targetingKey: "user-1", platform: "web" },
    heartbeatIntervalMs: 200,
    reconnectDelayMs: 10,
    maxReconnectDelayMs: 50,
    onError: (e) => errors.push(e),
    ...options,
  });
  c.onChange((keys) => changes.push(keys));
  clients.push(c);
  return { c, errors, changes };
}

describe("flags client: bulk evaluation", () => {
  it("fetches the bulk evaluation with the context and the API key, and serves typed values", async () => {
    const { c, changes } = client({ streaming: false });
    expect(c.getBoolean("summaries", false)).toBe(false); // nothing yet: the default
    expect(await c.ready()).toBe(true);

    const req = server.requestsTo(OFREP)[0]!;
    expect(req.method).toBe("POST");
    expect(req.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(req.headers["if-none-match"]).toBeUndefined();
    expect(req.body).toEqual({ context: { targetingKey: "user-1", platform: "web" } });

    expect(c.getBoolean("summaries", false)).toBe(true);
    expect(c.getString("tone", "default")).toBe("gpt-5");
    expect(c.getObject("limits", { max: 1 })).toEqual({ max: 3 });
    expect(c.getNumber("tone", 7)).toBe(7); // type mismatch: the default
    expect(c.getBoolean("missing", true)).toBe(true);
    expect(c.getDetails("tone")).toMatchObject({
      value: "gpt-5",
      variant: "bold",
      reason: "TARGETING_MATCH",
      stale: false,
      safety: false,
    });
    expect(c.getDetails("broken")).toMatchObject({
      value: null,
      reason: "ERROR",
      errorCode: "PARSE_ERROR",
      errorDetails: "bad config",
    });
    expect(c.getDetails("missing")).toMatchObject({ reason: "ERROR", errorCode: "FLAG_NOT_FOUND" });
    expect(c.getDetails("chat-kill")).toMatchObject({ value: true, safety: true });
    expect(changes[0]).toEqual(expect.arrayContaining(["chat-kill", "summaries", "tone", "limits", "broken"]));
    expect(c.snapshot(["summaries", "tone", "limits"])).toEqual({
      summaries: { value: true, variant: "on", version: 2 },
      tone: { value: "gpt-5", variant: "bold", version: 9 },
      limits: { value: '{"max":3}', variant: "v1" },
    });
  });

  it("revalidates with If-None-Match; a 304 keeps the cache and fires no change", async () => {
    const { c, changes } = client({ streaming: false, pollIntervalMs: 20 });
    await c.ready();
    await until(() => server.requestsTo(OFREP).length >= 3, 2_000, "polls");
    const polls = server.requestsTo(OFREP).slice(1);
    expect(polls.every((r) => r.headers["if-none-match"] === server.etag)).toBe(true);
    expect(changes).toHaveLength(1);
    expect(c.status().etag).toBe(server.etag);

    server.setFlags([{ key: "summaries", value: false, variant: "off", reason: "DISABLED" }], false);
    await until(() => changes.length === 2, 2_000, "the polled change");
    expect(c.getBoolean("summaries", true)).toBe(false);
    expect(changes[1]).toEqual(expect.arrayContaining(["summaries", "tone"]));
  });

  it("setContext re-evaluates unconditionally with the new context", async () => {
    const { c } = client({ streaming: false });
    await c.ready();
    await c.setContext({ targetingKey: "user-2" });
    const last = server.requestsTo(OFREP).at(-1)!;
    expect(last.body).toEqual({ context: { targetingKey: "user-2" } });
    expect(last.headers["if-none-match"]).toBeUndefined();
    expect(c.getContext()).toEqual({ targetingKey: "user-2" });
  });

  it("ready() resolves false when the first fetch fails, and the client recovers by polling", async () => {
    server.ofrepScript.push({ status: 503, body: { error: { code: "UNAVAILABLE", message: "down" } } });
    const { c, errors } = client({ streaming: false, pollIntervalMs: 20 });
    expect(await c.ready()).toBe(false);
    expect(errors[0]).toMatchObject({ kind: "http", status: 503, code: "UNAVAILABLE" });
    await until(() => c.getBoolean("summaries", false), 2_000, "recovery");
  });

  it("treats COST_LIMIT and DISABLED as not allowing the feature, and a fallback variant too", async () => {
    server.flags = [
      { key: "a", value: false, variant: "off", reason: "COST_LIMIT", metadata: { kind: "RELEASE" } },
      {
        key: "b",
        value: "mini",
        variant: "control",
        reason: "SPLIT",
        metadata: { kind: "MULTIVARIATE", fallbackVariant: "control" },
      },
      {
        key: "c",
        value: "gpt-5",
        variant: "bold",
        reason: "SPLIT",
        metadata: { kind: "MULTIVARIATE", fallbackVariant: "control" },
      },
      { key: "d", value: "x", variant: "x", reason: "DISABLED", metadata: { kind: "MULTIVARIATE" } },
      { key: "e", value: true, variant: "on", reason: "STATIC" },
    ];
    const { c } = client({ streaming: false });
    await c.ready();
    expect(["a", "b", "c", "d", "e", "missing"].map((k) => c.allows(k))).toEqual([
      false,
      false,
      true,
      false,
      true,
      false,
    ]);
  });

  it("evaluate(context) is a one-off evaluation that leaves the client alone", async () => {
    const { c } = client({ streaming: false });
    await c.ready();
    server.setFlags([{ key: "summaries", value: false, variant: "off", reason: "DEFAULT" }], false);
    const view = await c.evaluate({ targetingKey: "user-9" });
    expect(server.requestsTo(OFREP).at(-1)!.body).toEqual({ context: { targetingKey: "user-9" } });
    expect(view.getBoolean("summaries", true)).toBe(false);
    expect(c.getBoolean("summaries", false)).toBe(true);
    expect(c.getContext()).toEqual({ targetingKey: "user-1", platform: "web" });
  });
});

describe("flags client: push stream", () => {
  it("connects to the advertised SSE stream and re-fetches with sseEtag/sseLastModified on refetchEvaluation", async () => {
    const { c, changes } = client();
    await c.ready();
    await until(() => c.status().streaming, 2_000, "the stream");
    const streamReq = server.requestsTo("/sse")[0]!;
    expect(streamReq.query.get("token")).toBe("t1");
    expect(streamReq.headers.accept).toBe("text/event-stream");
    // same origin as baseUrl: the key may go along
    expect(streamReq.headers.authorization).toBe(`Bearer ${API_KEY}`);

    // the first connect is followed by a conditional catch-up request (304 here)
    await until(() => server.requestsTo(OFREP).length === 2, 2_000, "the catch-up");
    expect(server.requestsTo(OFREP)[1]!.headers["if-none-match"]).toBe(server.etag);
    server.setFlags([
      ...FLAGS.filter((f) => f.key !== "summaries"),
      { key: "summaries", value: false, variant: "off", reason: "DISABLED" },
    ]);
    await until(() => !c.getBoolean("summaries", true), 2_000, "the pushed change");
    const refetch = server.requestsTo(OFREP)[2]!;
    expect(refetch.query.get("sseEtag")).toBe(server.etag);
    expect(refetch.query.get("sseLastModified")).toBe(String(1771622898 + 2));
    expect(changes.at(-1)).toEqual(["summaries"]);
  });

  it("coalesces a burst of refetch events into at most two requests", async () => {
    const { c } = client({ pollIntervalMs: 60_000 });
    await c.ready();
    await until(() => c.status().streaming, 2_000, "the stream");
    await until(() => server.requestsTo(OFREP).length === 2, 2_000, "the catch-up after connecting");
    for (let i = 0; i < 10; i++) server.sendEvent({ type: "refetchEvaluation", etag: `"burst-${i}"`, lastModified: i });
    server.sendEvent({ type: "somethingElse" });
    await until(() => server.requestsTo(OFREP).length >= 3, 2_000, "the refetch");
    await new Promise((r) => setTimeout(r, 100));
    const refetches = server.requestsTo(OFREP).slice(2);
    expect(refetches.length).toBeLessThanOrEqual(2);
    expect(refetches.at(-1)!.query.get("sseEtag")).toBe('"burst-9"');
  });

  it("reconnects with Last-Event-ID and then re-fetches unconditionally", async () => {
    const { c } = client();
    await c.ready();
    await until(() => c.status().streaming, 2_000, "the stream");
    server.setFlags(FLAGS); // an event with an id
    await until(() => server.requestsTo(OFREP).some((r) => r.query.has("sseEtag")), 2_000, "the refetch");
    const before = server.requestsTo(OFREP).length;

    server.dropStreams();
    await until(() => server.requestsTo("/sse").length === 2 && server.streamCount === 1, 2_000, "the reconnect");
    expect(server.requestsTo("/sse")[1]!.headers["last-event-id"]).toBe("evt-1");
    await until(() => server.requestsTo(OFREP).length > before, 2_000, "the refetch after reconnecting");
    const after = server.requestsTo(OFREP)[before]!;
    expect(after.headers["if-none-match"]).toBeUndefined();
    expect(after.query.has("sseEtag")).toBe(false);
  });

  it("treats a silent stream (no heartbeat for 2× the interval) as dead and reconnects", async () => {
    server.heartbeatMs = 10;
    const { c, errors } = client({ heartbeatIntervalMs: 100 });
    await c.ready();
    await until(() => c.status().streaming, 2_000, "the stream");
    await new Promise((r) => setTimeout(r, 300)); // heartbeats keep it alive well past 200 ms
    expect(server.requestsTo("/sse")).toHaveLength(1);

    server.silenceStreams();
    await until(() => server.requestsTo("/sse").length === 2, 2_000, "the reconnect");
    expect(errors.find((e) => e.kind === "stream")!.message).toMatch(/no heartbeat or data for 200 ms/);
  });

  it("polls while the stream is refused, and asks for a fresh stream URL after a 401", async () => {
    server.streamScript.push({ status: 401 }, { status: 503 }, { status: 503 }, { status: 503 });
    const { c, errors } = client({ pollIntervalMs: 15, reconnectDelayMs: 40, maxReconnectDelayMs: 40 });
    await c.ready();
    await until(() => errors.some((e) => e.kind === "stream" && e.status === 401), 2_000, "the refusal");
    // the refusal triggers an unconditional re-fetch (a new tokenised URL) …
    await until(
      () => server.requestsTo(OFREP).some((r, i) => i > 0 && r.headers["if-none-match"] === undefined),
      2_000,
      "the fresh URL",
    );
    // … and conditional polls run while the stream is down
    await until(
      () => server.requestsTo(OFREP).filter((r) => r.headers["if-none-match"] !== undefined).length >= 2,
      2_000,
      "polling",
    );
    await until(() => c.status().streaming, 3_000, "the stream, eventually");
    const polled = server.requestsTo(OFREP).length;
    await new Promise((r) => setTimeout(r, 80));
    // connected again: no more polling (only the catch-up re-fetch after connecting)
    expect(server.requestsTo(OFREP).length).toBeLessThanOrEqual(polled + 1);
  });
});

describe("flags client: fail-safe when stale", () => {
  it("kill switches and safety flags read off (STALE) once the server is gone past staleAfterMs; others keep the cache", async () => {
    server.heartbeatMs = 20;
    const { c, changes } = client({ staleAfterMs: 300, safetyFlags: ["pii-filter"], pollIntervalMs: 20 });
    await c.ready();
    await until(() => c.status().streaming, 2_000, "the stream");
    // heartbeats alone keep it fresh
    await new Promise((r) => setTimeout(r, 400));
    expect(c.isStale()).toBe(false);
    expect(c.getBoolean("chat-kill", false)).toBe(true);

    const changesBefore = changes.length;
    await server.stop();
    await until(() => c.isStale(), 2_000, "staleness");

    expect(c.getBoolean("chat-kill", true)).toBe(false);
    expect(c.getDetails("chat-kill")).toMatchObject({ value: false, reason: "STALE", stale: true, safety: true });
    expect(c.getBoolean("pii-filter", true)).toBe(false);
    expect(c.getDetails("pii-filter").reason).toBe("STALE");
    expect(c.allows("chat-kill")).toBe(false);
    // not safety flags: the cached evaluation, marked stale
    expect(c.getBoolean("summaries", false)).toBe(true);
    expect(c.getDetails("summaries")).toMatchObject({ reason: "SPLIT", stale: true });
    expect(c.getString("tone", "x")).toBe("gpt-5");
    // listeners hear about the fail-safe
    await until(() => changes.length > changesBefore, 1_000, "the stale notification");
    expect(changes.at(-1)!.sort()).toEqual(["chat-kill", "pii-filter"]);

    // the server comes back on the same port: fresh again, and listeners hear it
    const port = Number(new URL(server.url).port);
    server = await new ProtocolServer().start(port);
    server.flags = FLAGS;
    await until(() => !c.isStale(), 3_000, "recovery");
    expect(c.getBoolean("chat-kill", false)).toBe(true);
  });

  it("before any successful fetch, listed safety flags are off", () => {
    const { c } = client({ safetyFlags: ["pii-filter"], streaming: false });
    expect(c.getBoolean("pii-filter", true)).toBe(false);
    expect(c.getDetails("pii-filter").reason).toBe("STALE");
    expect(c.getBoolean("summaries", true)).toBe(true);
  });

  it("a flag the server marks safety: true fails safe too", async () => {
    server.flags = [
      { key: "x", value: true, variant: "on", reason: "STATIC", metadata: { kind: "RELEASE", safety: true } },
    ];
    const { c } = client({ staleAfterMs: 150, streaming: false, pollIntervalMs: 60_000 });
    await c.ready();
    expect(c.getBoolean("x", false)).toBe(true);
    await until(() => c.isStale(), 1_000, "staleness");
    expect(c.getBoolean("x", true)).toBe(false);
  });
});
