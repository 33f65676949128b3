import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { API_KEY, ProtocolServer, startProtocolServer, until } from "../test-support/protocol-server.js";
import { createTracker, type Tracker, type TrackerError, type TrackerOptions } from "./tracker.js";

let server: ProtocolServer;
let trackers: Tracker[] = [];

beforeEach(async () => {
  server = await startProtocolServer();
});

afterEach(async () => {
  await Promise.all(trackers.map((t) => t.close()));
  trackers = [];
  await server.stop();
});

function tracker(options: Partial<TrackerOptions> = {}) {
  const errors: TrackerError[] = [];
  const t = createTracker({
    baseUrl: server.url,
    apiKey: API_KEY,
    flushIntervalMs: 60_000,
    retryBaseMs: 10,
    onError: (e) => errors.push(e),
    ...options,
  });
  trackers.push(t);
  return { t, errors };
}

const report = (n: number) => ({ requestId: `req-${n}`, category: "harmful" as const, text: `report ${n}` });

describe("tracker", () => {
  it("sends a full batch at maxBatch without waiting, and the rest on flush", async () => {
    const { t } = tracker({ maxBatch: 10 });
    for (let i = 0; i < 25; i++) t.trackReport(report(i));
    await until(() => server.batches.length === 2, 3_000, "two full batches");
    expect(server.batches.map((b) => b.events.length)).toEqual([10, 10]);
    expect(t.stats().buffered).toBe(5);

    await t.flush();
    expect(server.batches.map((b) => b.events.length)).toEqual([10, 10, 5]);
    const events = server.batches.flatMap((b) => b.events);
    expect(events.map((e) => e.text)).toEqual(Array.from({ length: 25 }, (_, i) => `report ${i}`));
    expect(new Set(events.map((e) => e.eventId)).size).toBe(25);
    expect(events.every((e) => e.type === "report" && typeof e.occurredAt === "string")).toBe(true);
    expect(t.stats()).toMatchObject({ buffered: 0, accepted: 25, dropped: 0 });
  });

  it("sends business outcomes with their flags, ids and times filled in", async () => {
    const { t } = tracker();
    const eventId = t.trackOutcome({ name: "task_completed", value: 1, flags: { "assistant-v2": { value: true, variant: "on" } }, requestId: "req-1" });
    await t.flush();
    const [event] = server.batches.flatMap((b) => b.events);
    expect(event).toMatchObject({ type: "outcome", eventId, name: "task_completed", value: 1, requestId: "req-1", flags: { "assistant-v2": { variant: "on" } } });
    expect(typeof event!.occurredAt).toBe("string");
  });

  it("sends what is buffered every flushIntervalMs", async () => {
    const { t } = tracker({ flushIntervalMs: 30 });
    const requestId = t.trackInteraction({
      model: { provider: "openai", id: "gpt-4.1" },
      prompt: "hi",
      response: "hello",
    });
    await until(() => server.batches.length === 1, 2_000, "the timed flush");
    expect(server.batches[0]!.events[0]).toMatchObject({
      type: "interaction",
      requestId,
      prompt: "hi",
      response: "hello",
    });
    expect(server.requestsTo("/api/v1/events")[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  it("retries a 503 with growing, jittered backoff, then succeeds", async () => {
    server.eventsScript.push({ status: 503 }, { status: 503 });
    const { t, errors } = tracker({ retryBaseMs: 40 });
    t.trackReport(report(1));
    await t.flush();
    expect(server.batches.map((b) => b.status)).toEqual([503, 503, 200]);
    const at = server.requestsTo("/api/v1/events").map((r) => r.at);
    // equal jitter: attempt 0 waits 20–40 ms, attempt 1 waits 40–80 ms
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(15);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(35);
    expect(server.batches[2]!.events[0]!.eventId).toBe(server.batches[0]!.events[0]!.eventId);
    expect(errors).toEqual([]);
    expect(t.stats().accepted).toBe(1);
  });

  it("honours Retry-After on 429", async () => {
    server.eventsScript.push({
      status: 429,
      headers: { "Retry-After": "0.3" },
      body: { error: { code: "RATE_LIMITED", message: "slow down" } },
    });
    const { t, errors } = tracker({ retryBaseMs: 1 });
    t.trackReport(report(1));
    await t.flush();
    const at = server.requestsTo("/api/v1/events").map((r) => r.at);
    expect(server.batches.map((b) => b.status)).toEqual([429, 200]);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(280);
    expect(errors).toEqual([]);
  });

  it("gives up after maxRetries and reports the events as failed", async () => {
    server.eventsScript.push({ status: 500 }, { status: 502 }, { status: 503 });
    const { t, errors } = tracker({ maxRetries: 2 });
    t.trackReport(report(1));
    await t.flush();
    expect(server.batches).toHaveLength(3);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ kind: "failed", status: 503 });
    expect(errors[0]!.events).toHaveLength(1);
  });

  it("does not retry a 400: the batch is dropped and reported", async () => {
    server.eventsScript.push({ status: 400, body: { error: { code: "BAD_REQUEST", message: "Invalid request" } } });
    const { t, errors } = tracker();
    t.trackReport(report(1));
    t.trackReport(report(2));
    await t.flush();
    expect(server.batches).toHaveLength(1);
    expect(errors).toEqual([expect.objectContaining({ kind: "failed", status: 400, code: "BAD_REQUEST" })]);
    expect(errors[0]!.events).toHaveLength(2);
    expect(t.stats()).toMatchObject({ failed: 2, buffered: 0 });
  });

  it("drops events the server rejects, reports why, and does not resend them", async () => {
    server.rejectIf = (e) => (e.text === "report 2" ? [{ path: "text", message: "too rude" }] : null);
    const { t, errors } = tracker();
    for (let i = 1; i <= 3; i++) t.trackReport(report(i));
    await t.flush();
    await t.flush();
    expect(server.batches).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ kind: "rejected", errors: [{ path: "text", message: "too rude" }] });
    expect(errors[0]!.events[0]).toMatchObject({ text: "report 2" });
    expect(t.stats()).toMatchObject({ accepted: 2, rejected: 1 });
  });

  it("bounds its buffer: the oldest events are dropped and reported, and nothing throws", async () => {
    const dropped: TrackerError[] = [];
    const t = createTracker({
      baseUrl: server.url,
      apiKey: API_KEY,
      maxBuffer: 5,
      flushIntervalMs: 60_000,
      onError: (e) => {
        dropped.push(e);
        throw new Error("a host callback that throws");
      },
    });
    trackers.push(t);
    for (let i = 0; i < 8; i++) expect(() => t.trackReport(report(i))).not.toThrow();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => t.trackReport({ ...report(99), text: cyclic as unknown as string })).not.toThrow();

    expect(
      dropped
        .filter((e) => e.reason === "buffer_full")
        .flatMap((e) => e.events.map((ev) => (ev as { text?: string }).text)),
    ).toEqual(["report 0", "report 1", "report 2"]);
    expect(dropped.at(-1)).toMatchObject({ kind: "dropped", reason: "too_large" });
    expect(t.stats()).toMatchObject({ buffered: 5, dropped: 4 });
    await t.flush();
    expect(server.batches[0]!.events.map((e) => e.text)).toEqual([
      "report 3",
      "report 4",
      "report 5",
      "report 6",
      "report 7",
    ]);
  });

  it("never throws or rejects when the server is unreachable", async () => {
    await server.stop();
    const { t, errors } = tracker({ maxRetries: 1, retryBaseMs: 1 });
    t.trackReport(report(1));
    await expect(t.flush()).resolves.toBeUndefined();
    expect(errors[0]).toMatchObject({ kind: "failed" });
    expect(errors[0]!.message).toMatch(/Network error/);
    await expect(t.reportOnce(report(2))).resolves.toMatchObject({ ok: false });
  });

  it("splits a batch the server finds too large", async () => {
    server.eventsScript.push({ status: 413, body: { error: { code: "PAYLOAD_TOO_LARGE", message: "too big" } } });
    const { t, errors } = tracker();
    for (let i = 0; i < 4; i++) t.trackReport(report(i));
    await t.flush();
    expect(server.batches.map((b) => [b.status, b.events.length])).toEqual([
      [413, 4],
      [200, 2],
      [200, 2],
    ]);
    expect(errors).toEqual([]);
  });

  it("reportOnce posts one report, idempotently by eventId", async () => {
    const { t } = tracker();
    const first = await t.reportOnce({ ...report(1), eventId: "rep-1" });
    const again = await t.reportOnce({ ...report(1), eventId: "rep-1" });
    expect(first).toMatchObject({ ok: true, eventId: "rep-1", status: { status: "accepted" } });
    expect(again).toMatchObject({ ok: true, status: { status: "duplicate" } });
    expect(server.reports[0]).toMatchObject({ requestId: "req-1", category: "harmful", eventId: "rep-1" });
    expect(typeof server.reports[0]!.occurredAt).toBe("string");
  });

  it("drops (and reports) events tracked after close", async () => {
    const { t, errors } = tracker();
    await t.close();
    t.trackReport(report(1));
    expect(errors).toEqual([expect.objectContaining({ kind: "dropped", reason: "closed" })]);
  });
});

describe("tracker and the Node process", () => {
  const sdkDir = fileURLToPath(new URL(".", import.meta.url));
  let outDir = "";

  beforeAll(async () => {
    // Run the real SDK in a child process: bundle the browser-safe entry to one ES module.
    const esbuild = await import("esbuild");
    outDir = mkdtempSync(join(tmpdir(), "rampart-sdk-"));
    await esbuild.build({
      entryPoints: [join(sdkDir, "index.ts")],
      bundle: true,
      format: "esm",
      platform: "browser",
      outfile: join(outDir, "index.js"),
      logLevel: "silent",
    });
    writeFileSync(join(outDir, "package.json"), '{"type":"module"}');
  });

  afterAll(() => {
    rmSync(outDir, { recursive: true, force: true });
  });

  function runChild(script: string): Promise<{ code: number | null; ms: number; stderr: string }> {
    writeFileSync(join(outDir, "child.js"), script);
    const started = Date.now();
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [join(outDir, "child.js")], { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      child.on("exit", (code) => {
        clearTimeout(killer);
        resolve({ code, ms: Date.now() - started, stderr });
      });
    });
  }

  it("lets the process exit with events buffered and a retry pending", async () => {
    server.eventsScript.push(...Array.from({ length: 10 }, () => ({ status: 503 })));
    const result = await runChild(`
      import { createTracker } from "./index.js";
      const t = createTracker({ baseUrl: ${JSON.stringify(server.url)}, apiKey: ${JSON.stringify(API_KEY)},
        maxBatch: 1, flushIntervalMs: 60000, retryBaseMs: 60000, maxRetryDelayMs: 60000 });
      t.trackReport({ requestId: "r1", category: "other" });   // full batch: sent now, answered 503, retry in ~1 min
      t.trackReport({ requestId: "r2", category: "other" });   // waits behind it
    `);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    // far below the 60 s retry delay (the margin is for a slow, busy machine)
    expect(result.ms).toBeLessThan(8_000);
    expect(server.batches.map((b) => b.status)).toEqual([503]);
  }, 20_000);

  it("keeps the process alive while an explicit flush() is retrying", async () => {
    server.eventsScript.push({ status: 503 });
    const result = await runChild(`
      import { createTracker } from "./index.js";
      const t = createTracker({ baseUrl: ${JSON.stringify(server.url)}, apiKey: ${JSON.stringify(API_KEY)}, retryBaseMs: 200 });
      t.trackReport({ requestId: "r1", category: "other" });
      await t.flush();
    `);
    expect(result.code).toBe(0);
    expect(server.batches.map((b) => b.status)).toEqual([503, 200]);
  }, 20_000);
});
