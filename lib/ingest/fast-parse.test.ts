// The fast path may be stricter than the schema, never looser, and when it
// answers it must answer what the schema would: checked here on events
// generated around valid ones (a seeded generator, so a failure reproduces).
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DATETIME, fastParseEvent } from "./fast-parse";
import { ingestEventSchema } from "./schemas";

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fullInteraction = () => ({
  type: "interaction",
  requestId: "req-1",
  occurredAt: "2026-12-03T10:00:00.123Z",
  environment: "production",
  model: { provider: "openai", id: "gpt-4.1-mini", version: "2025-04-14" },
  promptTemplate: { id: "support-answer", version: "7" },
  prompt: [
    { role: "system", content: "You are helpful." },
    { role: "user", content: [{ type: "text", text: "My order → broken" }], name: "u" },
  ],
  response: "Sorry — here is what to do.",
  flags: { "assistant-v2": { value: true, variant: "on", version: 3 }, tier: { value: "mini" }, ratio: { value: 0.25 }, none: { value: null } },
  cohort: { platform: "web", region: "eu-west", deviceClass: "desktop", segment: "pro", locale: "en-GB" },
  userId: "user-1",
  latencyMs: 812,
  tokens: { input: 420, output: 180 },
  cost: 0.0031,
  provenance: [{ start: 0, end: 5, source: "own_data" }],
  gateRunId: "run-1",
  gatePromptKey: "p-1",
  error: { type: "timeout" },
});
const bases: (() => Record<string, unknown>)[] = [
  fullInteraction,
  () => ({ type: "interaction", requestId: "r", occurredAt: "2026-01-01T00:00:00+05:30", model: { provider: "p", id: "m" }, prompt: "hi", response: "" }),
  () => ({ type: "verdict", eventId: "v1", requestId: "r", occurredAt: "2026-12-03T10:00:00Z", classifier: { name: "guard", version: "2" }, scores: { harm: 0.9, pii: 0 }, categories: ["harm"], decision: "flag", action: "redacted" }),
  () => ({ type: "verdict", eventId: "v2", requestId: "r", occurredAt: "2026-12-03T10:00:00Z", classifier: { name: "guard" }, scores: {}, decision: "pass" }),
  () => ({ type: "report", eventId: "rp", requestId: "r", occurredAt: "2024-02-29T23:59:59.999-01:00", category: "privacy", text: "my email is in it", reporterId: "u2" }),
  () => ({ type: "report", eventId: "rp", requestId: "r", occurredAt: "2026-12-03T10:00:00Z", category: "harmful" }),
  () => ({ type: "outcome", eventId: "o", occurredAt: "2026-12-03T10:00:00Z", name: "task_completed", value: 1, flags: { a: { value: false } }, requestId: "r", userId: "u" }),
  () => ({ type: "outcome", eventId: "o", occurredAt: "2026-12-03T10:00:00Z", name: "csat", value: -2.5 }),
];

const strings = [
  "", "a", "x".repeat(35), "x".repeat(36), "x".repeat(50), "x".repeat(51), "x".repeat(100), "x".repeat(101), "x".repeat(200), "x".repeat(201),
  "x".repeat(1000), "x".repeat(1001), "\ud800", "a\udc00b", "😀", "a\u0000b", "__proto__", "constructor", "toString", "task.done:1", "bad name",
  "interaction", "verdict", "report", "outcome", "text", "user", "assistant", "robot", "pass", "flag", "block", "none", "redacted",
  "fallback", "harmful", "incorrect", "privacy", "other", "own_data", "inferred", "guess",
  "2026-12-03T10:00:00Z", "2026-12-03T10:00:00", "2026-12-03T10:00Z", "2026-02-29T10:00:00Z", "2028-02-29T10:00:00Z", "2026-13-01T00:00:00Z",
  "2026-12-03T24:00:00Z", "2026-12-03T10:00:00+24:00", "2026-12-03T10:00:00.1234567890Z", "0000-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00",
  "0001-01-01T01:00:00+01:00", "0002-01-01T00:00:00+23:59", "9998-12-31T23:59:59-23:59", "9999-12-31T23:59:59-01:00", "9999-12-31T23:59:59Z",
  "2026-12-03t10:00:00z", " 2026-12-03T10:00:00Z",
];
const numbers = [0, -0, 1, -1, 0.5, 1.5, 2, 100, 3_600_000, 3_600_001, 2_147_483_647, 2_147_483_648, 1_000_000, 1_000_001, 2 ** 53, 2 ** 53 - 1, 1e20, 1e308, NaN, Infinity];
const others = [null, true, false, [], {}, [1], { value: 1 }, { type: "text", text: "t" }, { role: "user", content: "c" }, { start: 1, end: 2, source: "guess" }];

function randomValue(r: () => number): unknown {
  const pick = r();
  if (pick < 0.5) return strings[Math.floor(r() * strings.length)];
  if (pick < 0.8) return numbers[Math.floor(r() * numbers.length)];
  return structuredClone(others[Math.floor(r() * others.length)]);
}

/** The paths of every member and element of `v`, objects and arrays included. */
function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (typeof v === "object" && v !== null) {
    for (const k of Object.keys(v)) {
      const p = [...at, Array.isArray(v) ? Number(k) : k];
      out.push(p);
      paths((v as Record<string, unknown>)[k], p, out);
    }
  }
  return out;
}

function mutate(event: Record<string, unknown>, r: () => number): void {
  const all = paths(event);
  const n = 2 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const path = all[Math.floor(r() * all.length)]!;
    let parent: Record<string | number, unknown> = event;
    for (const k of path.slice(0, -1)) {
      const next = parent[k];
      if (typeof next !== "object" || next === null) return;
      parent = next as Record<string | number, unknown>;
    }
    const last = path[path.length - 1]!;
    const how = r();
    if (how < 0.15) delete parent[last];
    else if (how < 0.25 && !Array.isArray(parent)) {
      // An extra member (named like anything, "__proto__" included), as JSON.parse would make it.
      Object.defineProperty(parent, String(randomValue(r)), { value: randomValue(r), enumerable: true, configurable: true, writable: true });
    }
    else parent[last] = randomValue(r);
  }
}

/** Both answers for one event: the fast path's (on its own copy, since it fills defaults in place) and the schema's. */
function judge(event: unknown) {
  const fast = fastParseEvent(JSON.parse(JSON.stringify(event)));
  const slow = ingestEventSchema.safeParse(JSON.parse(JSON.stringify(event)));
  return { fast, slow };
}

describe("fastParseEvent", () => {
  it("answers for the usual valid events of each kind, exactly as the schema does", () => {
    for (const base of bases) {
      const { fast, slow } = judge(base());
      expect(slow.success).toBe(true);
      expect(fast).not.toBeNull();
      expect(fast).toEqual(slow.data);
    }
  });

  /** Checks one event against the schema, counting how often the fast path answered and the schema rejected. */
  function checker() {
    const counts = { answered: 0, rejected: 0 };
    const check = (event: unknown) => {
      const { fast, slow } = judge(event);
      if (fast !== null && !slow.success) throw new Error(`fast path accepted what the schema rejects: ${JSON.stringify(event)}\n${slow.error.message}`);
      if (fast !== null) expect(fast, JSON.stringify(event)).toEqual(slow.data);
      if (fast !== null) counts.answered++;
      if (!slow.success) counts.rejected++;
    };
    return { check, counts };
  }
  const pool = [...strings, ...numbers, ...others];

  it("agrees with the schema on every one-member change of each valid event (each pool value, or the member removed)", () => {
    const { check, counts } = checker();
    for (const base of bases) {
      for (const path of paths(base())) {
        for (let v = -1; v < pool.length; v++) {
          const event = base();
          let parent: Record<string | number, unknown> = event;
          for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
          if (v < 0) delete parent[path[path.length - 1]!];
          else parent[path[path.length - 1]!] = structuredClone(pool[v]);
          check(event);
        }
      }
    }
    expect(counts.answered).toBeGreaterThan(1_000);
    expect(counts.rejected).toBeGreaterThan(5_000);
  });

  it("never accepts what the schema rejects, and agrees with it whenever it answers (random multi-member changes)", () => {
    const r = rng(20261203);
    const { check, counts } = checker();
    for (let i = 0; i < 20_000; i++) {
      const event = bases[i % bases.length]!();
      mutate(event, r);
      check(event);
    }
    // Not vacuous: both outcomes are well represented.
    expect(counts.answered).toBeGreaterThan(300);
    expect(counts.rejected).toBeGreaterThan(5_000);
  });

  it("checks times with the very pattern the schema's z.iso.datetime({ offset: true }) uses", () => {
    expect(String(DATETIME)).toBe(String((z.iso.datetime({ offset: true }) as unknown as { _zod: { def: { pattern: RegExp } } })._zod.def.pattern));
  });

  it("leaves unknown keys, odd years and non-objects to the schema", () => {
    const extra = { ...fullInteraction(), extra: 1 };
    expect(fastParseEvent(extra)).toBeNull();
    expect(fastParseEvent({ ...fullInteraction(), occurredAt: "0001-01-01T05:00:00+01:00" })).toBeNull();
    expect(ingestEventSchema.safeParse({ ...fullInteraction(), occurredAt: "0001-01-01T05:00:00+01:00" }).success).toBe(true);
    expect(fastParseEvent(JSON.parse('{"type":"report","eventId":"e","requestId":"r","occurredAt":"2026-12-03T10:00:00Z","category":"other","__proto__":{}}'))).toBeNull();
    for (const v of [null, "interaction", [], 3]) expect(fastParseEvent(v)).toBeNull();
  });
});
