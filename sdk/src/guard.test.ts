import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { API_KEY, ProtocolServer, startProtocolServer, until, type FlagEval } from "../test-support/protocol-server.js";
import { createFlagsClient, type FlagsClient } from "./flags-client.js";
import { guard, type GuardOptions } from "./guard.js";
import { createTracker, type Tracker } from "./tracker.js";

const FLAGS: FlagEval[] = [
  { key: "summaries", value: true, variant: "on", reason: "SPLIT", metadata: { kind: "RELEASE", version: 3 } },
  { key: "chat-kill", value: true, variant: "on", reason: "STATIC", metadata: { kind: "KILL_SWITCH", version: 1 } },
  { key: "off-feature", value: false, variant: "off", reason: "DISABLED", metadata: { kind: "RELEASE", version: 5 } },
  {
    key: "model",
    value: "gpt-5",
    variant: "bold",
    reason: "SPLIT",
    metadata: { kind: "MULTIVARIATE", fallbackVariant: "control", version: 2 },
  },
  {
    key: "model-control",
    value: "gpt-4.1-mini",
    variant: "control",
    reason: "SPLIT",
    metadata: { kind: "MULTIVARIATE", fallbackVariant: "control" },
  },
];

let server: ProtocolServer;
let flags: FlagsClient;
let tracker: Tracker;

beforeEach(async () => {
  server = await startProtocolServer();
  server.flags = FLAGS;
  flags = createFlagsClient({
    baseUrl: server.url,
    apiKey: API_KEY,
    context: { targetingKey: "u1" },
    streaming: false,
    staleAfterMs: 5_000,
  });
  tracker = createTracker({ baseUrl: server.url, apiKey: API_KEY, flushIntervalMs: 60_000 });
  await flags.ready();
});

afterEach(async () => {
  flags.close();
  await tracker.close();
  await server.stop();
});

function base(overrides: Partial<GuardOptions<string, string>> = {}): GuardOptions<string, string> {
  return {
    flags,
    tracker,
    flag: "summaries",
    call: () => "model output",
    fallback: "fallback text",
    model: { provider: "openai", id: "gpt-4.1", version: "2025-04-14" },
    promptTemplate: { id: "summarize", version: "7" },
    prompt: [{ role: "user", content: "Summarise this" }],
    cohort: { platform: "web", region: "eu" },
    userRef: "user-42",
    onError: () => undefined,
    ...overrides,
  };
}

async function sent() {
  await tracker.flush();
  return server.batches.flatMap((b) => b.events);
}

describe("guard()", () => {
  it("runs the call when the flag allows, classifies, and logs the interaction with the flag state and the verdict", async () => {
    const result = await guard(
      base({
        call: async () => {
          await new Promise((r) => setTimeout(r, 15));
          return "model output";
        },
        classify: () => ({
          decision: "pass",
          categories: [],
          scores: { toxicity: 0.01 },
          classifier: { name: "moderation", version: "3" },
        }),
        snapshotFlags: ["chat-kill"],
        usage: () => ({ tokens: { input: 12, output: 34 }, cost: 0.0042 }),
      }),
    );
    expect(result).toMatchObject({ output: "model output", usedFallback: false, reason: "ok" });
    expect(result.requestId).toEqual(expect.any(String));
    expect(result.latencyMs).toBeGreaterThanOrEqual(10);

    const [interaction, verdict] = await sent();
    expect(interaction).toMatchObject({
      type: "interaction",
      requestId: result.requestId,
      model: { provider: "openai", id: "gpt-4.1", version: "2025-04-14" },
      promptTemplate: { id: "summarize", version: "7" },
      prompt: [{ role: "user", content: "Summarise this" }],
      response: "model output",
      flags: {
        summaries: { value: true, variant: "on", version: 3 },
        "chat-kill": { value: true, variant: "on", version: 1 },
      },
      cohort: { platform: "web", region: "eu" },
      userId: "user-42",
      tokens: { input: 12, output: 34 },
      cost: 0.0042,
    });
    expect(interaction!.latencyMs).toBeGreaterThanOrEqual(10);
    expect(verdict).toMatchObject({
      type: "verdict",
      requestId: result.requestId,
      classifier: { name: "moderation", version: "3" },
      scores: { toxicity: 0.01 },
      decision: "pass",
      action: "none",
    });
    expect(verdict!.eventId).toEqual(expect.any(String));
  });

  it("skips the call and serves the fallback when the flag is off, logging nothing", async () => {
    let called = false;
    const result = await guard(base({ flag: "off-feature", call: () => ((called = true), "x") }));
    expect(result).toMatchObject({ output: "fallback text", usedFallback: true, reason: "flag_off", requestId: null });
    expect(result.flag).toMatchObject({ reason: "DISABLED" });
    expect(called).toBe(false);
    expect(await sent()).toEqual([]);
  });

  it("runs a multivariate flag's non-fallback variant (passing its evaluation) and skips the fallback variant", async () => {
    const seen: unknown[] = [];
    const run = await guard(
      base({ flag: "model", call: (f) => (seen.push(f.value), `answer from ${String(f.value)}`) }),
    );
    expect(run).toMatchObject({ output: "answer from gpt-5", usedFallback: false });
    const skip = await guard(base({ flag: "model-control", call: (f) => (seen.push(f.value), "x") }));
    expect(skip).toMatchObject({ usedFallback: true, reason: "flag_off" });
    expect(seen).toEqual(["gpt-5"]);
  });

  it("serves the fallback when the classifier flags or blocks, and logs the verdict as a fallback", async () => {
    const blocked = await guard(
      base({
        classify: () => ({
          decision: "block",
          categories: ["self_harm"],
          scores: { self_harm: 0.97 },
          classifier: { name: "mod" },
        }),
      }),
    );
    expect(blocked).toMatchObject({ output: "fallback text", usedFallback: true, reason: "blocked" });
    const flagged = await guard(base({ classify: () => ({ decision: "flag", classifier: { name: "mod" } }) }));
    expect(flagged).toMatchObject({ usedFallback: true, reason: "flagged" });

    const events = await sent();
    expect(events.filter((e) => e.type === "interaction").map((e) => e.response)).toEqual([
      "model output",
      "model output",
    ]);
    expect(events.filter((e) => e.type === "verdict")).toEqual([
      expect.objectContaining({
        decision: "block",
        action: "fallback",
        categories: ["self_harm"],
        requestId: blocked.requestId,
      }),
      expect.objectContaining({ decision: "flag", action: "fallback", scores: {}, requestId: flagged.requestId }),
    ]);
  });

  it("serves the fallback when the call throws (or rethrows when asked), logs the failed call with its error type, and serves it when the classifier throws", async () => {
    const errors: [unknown, string][] = [];
    const timeout = Object.assign(new Error("provider timeout for customer-42"), { code: "ETIMEDOUT" });
    const failed = await guard(
      base({
        call: () => {
          throw timeout;
        },
        onError: (e, stage) => errors.push([e, stage]),
      }),
    );
    expect(failed).toMatchObject({
      output: "fallback text",
      usedFallback: true,
      reason: "call_failed",
      requestId: expect.any(String),
    });
    expect(errors).toEqual([[timeout, "call"]]);

    await expect(
      guard(
        base({
          rethrow: true,
          call: () => {
            throw new TypeError("boom");
          },
        }),
      ),
    ).rejects.toThrow("boom");

    const unchecked = await guard(
      base({
        classify: () => {
          throw new Error("classifier down");
        },
      }),
    );
    expect(unchecked).toMatchObject({ output: "fallback text", usedFallback: true, reason: "classify_failed" });
    const events = await sent();
    expect(events.map((e) => e.type)).toEqual(["interaction", "interaction", "interaction"]);
    // The error's type goes out, never its message (it may hold user data).
    expect(events[0]).toMatchObject({ requestId: failed.requestId, response: "", error: { type: "ETIMEDOUT" } });
    expect(JSON.stringify(events[0])).not.toContain("customer-42");
    expect(events[1]).toMatchObject({ response: "", error: { type: "TypeError" } });
    expect(events[2]).not.toHaveProperty("error");
  });

  it("fails safe on a kill switch when the configuration is stale", async () => {
    const staleFlags = createFlagsClient({
      baseUrl: server.url,
      apiKey: API_KEY,
      streaming: false,
      staleAfterMs: 150,
      pollIntervalMs: 60_000,
    });
    await staleFlags.ready();
    expect((await guard(base({ flags: staleFlags, flag: "chat-kill" }))).reason).toBe("ok");
    await until(() => staleFlags.isStale(), 1_000, "staleness");
    let called = false;
    const result = await guard(base({ flags: staleFlags, flag: "chat-kill", call: () => ((called = true), "x") }));
    staleFlags.close();
    expect(result).toMatchObject({ usedFallback: true, reason: "stale", output: "fallback text" });
    expect(result.flag).toMatchObject({ value: false, reason: "STALE" });
    expect(called).toBe(false);
  });

  it("evaluates the flag for a per-call context that differs from the client's", async () => {
    const before = server.requestsTo("/ofrep/v1/evaluate/flags").length;
    await guard(base({ context: { targetingKey: "u1" } }));
    expect(server.requestsTo("/ofrep/v1/evaluate/flags")).toHaveLength(before);
    await guard(base({ context: { targetingKey: "u2", segment: "beta" } }));
    expect(server.requestsTo("/ofrep/v1/evaluate/flags").at(-1)!.body).toEqual({
      context: { targetingKey: "u2", segment: "beta" },
    });
    expect(flags.getContext()).toEqual({ targetingKey: "u1" });
  });

  it("logs a non-string output as JSON", async () => {
    const result = await guard({
      flags,
      tracker,
      flag: "summaries",
      model: { provider: "local", id: "m" },
      prompt: "q",
      call: () => ({ answer: 42 }),
      fallback: null,
    });
    expect(result.output).toEqual({ answer: 42 });
    expect((await sent())[0]!.response).toBe('{"answer":42}');
  });
});
