import { describe, expect, it } from "vitest";
import { incrementsFor, type Sample } from "@/lib/rollback/increments";
import { bucketKey, latencyBucket, FINE_HORIZON_MS, FINE_TTL_SECONDS, COARSE_TTL_SECONDS } from "@/lib/rollback/window";

const P = "00000000-0000-4000-8000-000000000001";
const now = Date.UTC(2026, 11, 1, 12, 0, 0);
const flags = { "assistant-v2": { value: true, version: 3 } };
const series = JSON.stringify(["env", "assistant-v2", 3, "on"]);
const sample = (s: Partial<Sample>): Sample => ({ kind: "response", environmentId: "env", flagState: flags, at: new Date(now - 5_000), latencyMs: null, costMicros: null, ...s });

describe("what a batch adds to the counters", () => {
  it("counts a response with its latency and cost in a 10 s and a 5 min bucket", () => {
    const inc = incrementsFor(P, [sample({ latencyMs: 812, costMicros: 4200 })], now);
    const fine = bucketKey(P, { res: "f", start: now - 10_000 });
    const coarse = bucketKey(P, { res: "c", start: now - 300_000 });
    expect([...inc.buckets.keys()]).toEqual([fine, coarse]);
    expect(Object.fromEntries(inc.buckets.get(fine)!)).toEqual({ [`${series}|n`]: 1, [`${series}|l${latencyBucket(812)}`]: 1, [`${series}|c`]: 4200, [`${series}|cn`]: 1 });
    expect(inc.ttl.get(fine)).toBe(FINE_TTL_SECONDS);
    expect(inc.ttl.get(coarse)).toBe(COARSE_TTL_SECONDS);
    expect(inc.hot).toBe(false);
  });
  it("is hot when a recent harmful verdict or report comes in", () => {
    expect(incrementsFor(P, [sample({ kind: "harmful" })], now).hot).toBe(true);
    expect(incrementsFor(P, [sample({ kind: "report" })], now).hot).toBe(true);
    expect(incrementsFor(P, [sample({ kind: "report", at: new Date(now - FINE_HORIZON_MS - 1) })], now).hot).toBe(false);
  });
  it("adds up samples in one bucket and counts a future timestamp as now", () => {
    const inc = incrementsFor(P, [sample({}), sample({ at: new Date(now + 3_600_000) }), sample({ kind: "harmful" })], now);
    const fine = inc.buckets.get(bucketKey(P, { res: "f", start: now - 10_000 }))!;
    const current = inc.buckets.get(bucketKey(P, { res: "f", start: now }))!;
    expect(fine.get(`${series}|n`)).toBe(1);
    expect(fine.get(`${series}|h`)).toBe(1);
    expect(current.get(`${series}|n`)).toBe(1);
  });
  it("ignores samples without flags", () => {
    const inc = incrementsFor(P, [sample({ flagState: {} , kind: "harmful" })], now);
    expect(inc.buckets.size).toBe(0);
    expect(inc.hot).toBe(false);
  });
  it("counts the same whether samples share one snapshot object (grouped) or each has its own", () => {
    const snapshots = [flags, { "assistant-v2": { value: false, version: 3 }, tier: { value: "mini", version: 2 } }, {}];
    const samples: Sample[] = Array.from({ length: 300 }, (_, i) => ({
      kind: (["response", "harmful", "report"] as const)[i % 3]!,
      environmentId: i % 7 === 0 ? "env-2" : "env",
      flagState: snapshots[i % snapshots.length],
      at: new Date(now - ((i * 7_919) % 900_000)),
      latencyMs: i % 5 === 0 ? null : (i * 37) % 5_000,
      costMicros: i % 4 === 0 ? null : i,
      error: i % 11 === 0,
    }));
    const shared = incrementsFor(P, samples, now);
    const separate = incrementsFor(P, samples.map((s) => ({ ...s, flagState: structuredClone(s.flagState) })), now);
    const plain = (inc: ReturnType<typeof incrementsFor>) => Object.fromEntries([...inc.buckets].map(([k, v]) => [k, Object.fromEntries(v)]));
    expect(plain(shared)).toEqual(plain(separate));
    expect(Object.keys(plain(shared)).length).toBeGreaterThan(10);
    expect(shared.hot).toBe(separate.hot);
    // Every response counted once per series it feeds and per bucket resolution.
    const responses = samples.filter((s) => s.kind === "response" && Object.keys(s.flagState as object).length > 0);
    const seriesCount = (s: Sample) => Object.keys(s.flagState as object).length;
    const total = Object.values(plain(shared)).reduce((n, h) => n + Object.entries(h).filter(([f]) => f.endsWith("|n")).reduce((m, [, v]) => m + v, 0), 0);
    expect(total).toBe(responses.reduce((n, s) => n + seriesCount(s) * 2, 0));
  });
});
