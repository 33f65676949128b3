// The per-key rate limit counts in process and shares its counts through
// Redis: a process alone is exact, and learns within a flush what the other
// web processes have used of the same key's second.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ApiKeyActor } from "@/lib/auth/actor-types";
import { enforceApiKeyRate, flushApiKeyRates } from "@/lib/http/api-rate-limit";
import { fastRedis } from "@/lib/redis";

const actor = (limit: number): ApiKeyActor => ({
  kind: "apiKey",
  keyId: randomUUID(),
  keyName: "rate",
  projectId: randomUUID(),
  environmentId: null,
  scopes: ["events:write"],
  rateLimitPerSecond: limit,
});

/** A time early in some second, so that a test's calls share it. */
function earlyInSecond(): number {
  return Math.floor(Date.now() / 1000) * 1000 + 1000 + 10;
}

async function outcome(a: ApiKeyActor, now: number): Promise<"ok" | "limited"> {
  try {
    await enforceApiKeyRate(a, now);
    return "ok";
  } catch (err) {
    expect((err as { code?: string }).code).toBe("RATE_LIMITED");
    return "limited";
  }
}

async function redisReady() {
  const r = fastRedis();
  const deadline = Date.now() + 5_000;
  while (r.status !== "ready" && Date.now() < deadline) await new Promise((ok) => setTimeout(ok, 20));
  expect(r.status).toBe("ready");
  return r;
}

describe("API key rate limit", () => {
  it("admits exactly the limit per second in one process, and tells Redis what it admitted", async () => {
    const r = await redisReady();
    const a = actor(3);
    const now = earlyInSecond();
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await outcome(a, now + i));
    expect(results).toEqual(["ok", "ok", "ok", "limited", "limited"]);
    await flushApiKeyRates();
    expect(await r.get(`rl:apikey:${a.keyId}:${Math.floor(now / 1000)}`)).toBe("5");
    // The next second starts afresh.
    expect(await outcome(a, now + 1000)).toBe("ok");
  });

  it("sends each count once when flushes overlap, and what a second counted after it ended", async () => {
    const r = await redisReady();
    const a = actor(20);
    const now = earlyInSecond();
    const key = (at: number) => `rl:apikey:${a.keyId}:${Math.floor(at / 1000)}`;
    for (let i = 0; i < 10; i++) expect(await outcome(a, now + i)).toBe("ok");
    const first = flushApiKeyRates(); // not awaited: the next flush starts while it is on its way
    expect(await outcome(a, now + 10)).toBe("ok");
    await Promise.all([first, flushApiKeyRates()]);
    expect(await r.get(key(now))).toBe("11");
    // This process is the only one: the rest of the limit is still its own.
    for (let i = 0; i < 9; i++) expect(await outcome(a, now + 11 + i)).toBe("ok");
    expect(await outcome(a, now + 20)).toBe("limited");
    // Two more in this second, then one in the next before any flush: both seconds reach Redis.
    await outcome(a, now + 21);
    expect(await outcome(a, now + 1000)).toBe("ok");
    await flushApiKeyRates();
    expect(await r.get(key(now))).toBe("22");
    expect(await r.get(key(now + 1000))).toBe("1");
  });

  it("counts what other processes made of the same second once a flush has heard of it", async () => {
    const r = await redisReady();
    const a = actor(10);
    const now = earlyInSecond();
    // Another web process has used 9 of this second's 10.
    await r.set(`rl:apikey:${a.keyId}:${Math.floor(now / 1000)}`, "9", "EX", 5);
    expect(await outcome(a, now)).toBe("ok"); // not heard of yet: the 10th
    await flushApiKeyRates();
    expect(await outcome(a, now + 1)).toBe("limited"); // 9 + 2 > 10
    await flushApiKeyRates();
    expect(await r.get(`rl:apikey:${a.keyId}:${Math.floor(now / 1000)}`)).toBe("11");
  });
});
