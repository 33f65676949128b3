// Flag delivery over real HTTP: the official OpenFeature server SDK with its
// OFREP provider against our node:http OFREP layer (the one server.ts runs),
// ETag/304, the SSE push stream with resume, and the cost circuit breaker.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenFeature, type Client } from "@openfeature/server-sdk";
import { OFREPProvider } from "@openfeature/ofrep-provider";
import { db, disconnectDb } from "@/lib/db";
import { disconnectRedis } from "@/lib/redis";
import { closeQueues } from "@/lib/queues/producers";
import type { UserActor } from "@/lib/auth/actor-types";
import { createApiKey } from "@/lib/api-keys/create-api-key";
import { revokeApiKey } from "@/lib/api-keys/revoke-api-key";
import { createFlag } from "@/lib/flags/create-flag";
import { changeFlag } from "@/lib/flags/change-flag";
import { killFlag } from "@/lib/flags/kill-flag";
import { setFlagCostCeiling } from "@/lib/flags/set-cost-ceiling";
import { inRollout } from "@/lib/flags/bucketing";
import { closeSnapshotStore, snapshotStore } from "@/lib/flags/delivery/snapshot-store";
import { recordCosts } from "@/lib/flags/delivery/cost-breaker";
import { HOUR_MS } from "@/lib/flags/delivery/cost-breaker-keys";
import { streamHub } from "@/lib/flags/delivery/sse";
import { pseudonymize } from "@/lib/privacy/pseudonym";
import { handleOfrepNode } from "@/lib/http/ofrep-node";
import { createFlagsClient } from "@/sdk/src/index";
import { makeTenant, memberActor, uniq } from "./fixtures";
import { interaction, sendEvents } from "./ingest-helpers";

let server: Server;
let base: string;
let projectId: string;
let staging: { id: string; key: string };
let lead: UserActor;
let admin: UserActor;
let key: string;
let client: Client;
const flags = { kill: "", release: "", half: "", costly: "" };
const flagIds: Record<string, string> = {};

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, ms = 3_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function bulk(headers: Record<string, string> = {}, context: Record<string, unknown> = { targetingKey: "user-1" }, apiKey = key) {
  const res = await fetch(`${base}/ofrep/v1/evaluate/flags`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json", ...headers },
    body: JSON.stringify({ context }),
  });
  const text = await res.text();
  return { status: res.status, etag: res.headers.get("etag"), body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

/** Reads SSE frames from a stream URL until `count` data events arrived or time ran out. */
function openStream(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const events: { id: string | null; data: { type: string; etag?: string } ; at: number }[] = [];
  let pings = 0;
  const done = (async () => {
    const res = await fetch(url, { headers, signal: controller.signal });
    if (res.status !== 200) throw new Error(`stream answered ${res.status}`);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buf = "";
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) return;
      buf += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buf.indexOf("\n\n")) >= 0) {
        const frame = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        if (frame.startsWith(": ping")) pings++;
        const id = /^id: (.*)$/m.exec(frame)?.[1] ?? null;
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (data) events.push({ id, data: JSON.parse(data) as { type: string }, at: Date.now() });
      }
    }
  })().catch((err: Error) => {
    if (err.name !== "AbortError") throw err;
  });
  return { events, pings: () => pings, close: () => controller.abort(), done };
}

beforeAll(async () => {
  process.env.RAMPART_STREAM_HEARTBEAT_MS = "200";
  const t = await makeTenant();
  projectId = t.project.id;
  staging = await db().environment.create({ data: { projectId, key: "staging", name: "Staging", protected: false } });
  lead = await memberActor(projectId, "LEAD");
  admin = await memberActor(projectId, "ADMIN");
  key = (await createApiKey(admin, projectId, { name: "app", scopes: ["flags:read", "events:write"], environmentId: staging.id })).key;
  for (const name of Object.keys(flags) as (keyof typeof flags)[]) {
    flags[name] = uniq(name === "kill" ? "kill-switch" : name);
    const { flags: created } = await createFlag(lead, projectId, { key: flags[name], kind: name === "kill" ? "KILL_SWITCH" : "RELEASE", reason: "test" });
    flagIds[name] = created.find((f) => f.environmentId === staging.id)!.flagId;
  }
  await changeFlag(lead, projectId, { flagId: flagIds.kill!, config: { enabled: true, rolloutBps: 10_000 }, reason: "allowed" });
  await changeFlag(lead, projectId, { flagId: flagIds.release!, config: { enabled: true, rolloutBps: 10_000 }, reason: "everyone" });
  await changeFlag(lead, projectId, { flagId: flagIds.half!, config: { enabled: true, rolloutBps: 5_000 }, reason: "half" });
  await changeFlag(lead, projectId, { flagId: flagIds.costly!, config: { enabled: true, rolloutBps: 10_000 }, reason: "everyone" });

  // As server.ts does: the OFREP layer first (it sets its own security and CORS headers).
  server = createServer((req, res) => {
    if (!handleOfrepNode(req, res)) {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await OpenFeature.setProviderAndWait(new OFREPProvider({ baseUrl: base, headers: [["Authorization", `Bearer ${key}`]] }));
  client = OpenFeature.getClient();
});

afterAll(async () => {
  streamHub().closeAll();
  server?.closeAllConnections();
  if (server) await new Promise((r) => server.close(r));
  await OpenFeature.close();
  closeSnapshotStore();
  await closeQueues();
  await disconnectRedis();
  await disconnectDb();
});

describe("OFREP through the official OpenFeature SDK", () => {
  it("evaluates a kill switch, and sees it killed within a second of the change", async () => {
    const allowed = await client.getBooleanDetails(flags.kill, false, { targetingKey: "user-1" });
    expect(allowed).toMatchObject({ value: true, reason: "STATIC", variant: "on" });
    expect(allowed.flagMetadata).toMatchObject({ kind: "KILL_SWITCH" });

    const killedAt = Date.now();
    await killFlag(lead, projectId, { flagKey: flags.kill, environmentId: staging.id, reason: "harmful output" });
    const killed = await until("the kill to be served", async () => {
      const d = await client.getBooleanDetails(flags.kill, true, { targetingKey: "user-1" });
      return d.value === false ? d : null;
    });
    expect(killed).toMatchObject({ value: false, reason: "DISABLED", variant: "off" });
    expect(Date.now() - killedAt).toBeLessThan(1_000);
  });

  it("splits a partial rollout by targeting key exactly as the documented hash says", async () => {
    const salt = (await db().flag.findUniqueOrThrow({ where: { id: flagIds.half! } })).salt;
    let inside = 0;
    for (let i = 0; i < 40; i++) {
      const tk = `user-${i}`;
      const d = await client.getBooleanDetails(flags.half, false, { targetingKey: tk });
      expect(d.reason).toBe("SPLIT");
      expect(d.value).toBe(inRollout(salt, tk, 5_000));
      if (d.value) inside++;
    }
    expect(inside).toBeGreaterThan(5);
    expect(inside).toBeLessThan(35);
  });

  it("answers a missing targeting key and an unknown flag with OFREP's error codes (the caller's default)", async () => {
    const missing = await client.getBooleanDetails(flags.half, true, {});
    expect(missing).toMatchObject({ value: true, reason: "ERROR", errorCode: "TARGETING_KEY_MISSING" });
    const unknown = await client.getStringDetails("no-such-flag", "dflt", { targetingKey: "user-1" });
    expect(unknown).toMatchObject({ value: "dflt", reason: "ERROR", errorCode: "FLAG_NOT_FOUND" });
  });

  it("refuses a wrong key, a key without flags:read, and malformed bodies with clear 4xx", async () => {
    const eventsOnly = (await createApiKey(admin, projectId, { name: "ingest only", scopes: ["events:write"] })).key;
    expect((await bulk({}, {}, "rmp_nope")).status).toBe(401);
    // The right prefix with a wrong secret, while the real key is cached from earlier requests.
    const forged = key.slice(0, -4) + (key.endsWith("AAAA") ? "BBBB" : "AAAA");
    expect((await bulk({}, {}, forged)).status).toBe(401);
    expect((await bulk({}, {}, eventsOnly)).status).toBe(403);
    const bad = await fetch(`${base}/ofrep/v1/evaluate/flags/${flags.release}`, { method: "POST", headers: { authorization: `Bearer ${key}` }, body: "{not json" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ key: flags.release, errorCode: "PARSE_ERROR" });
    const ctx = await fetch(`${base}/ofrep/v1/evaluate/flags`, { method: "POST", headers: { authorization: `Bearer ${key}` }, body: '{"context":[1]}' });
    expect(ctx.status).toBe(400);
    expect(await ctx.json()).toMatchObject({ errorCode: "INVALID_CONTEXT" });
  });
});

describe("browser clients", () => {
  it("answers a CORS preflight and exposes the ETag to cross-origin code", async () => {
    const pre = await fetch(`${base}/ofrep/v1/evaluate/flags`, {
      method: "OPTIONS",
      headers: { origin: "https://app.example", "access-control-request-method": "POST", "access-control-request-headers": "authorization, if-none-match" },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("*");
    expect(pre.headers.get("access-control-allow-headers")).toMatch(/Authorization/);
    expect(pre.headers.get("access-control-allow-headers")).toMatch(/If-None-Match/);
    const res = await fetch(`${base}/ofrep/v1/evaluate/flags`, { method: "POST", headers: { authorization: `Bearer ${key}`, origin: "https://app.example" }, body: "{}" });
    expect(res.headers.get("access-control-expose-headers")).toMatch(/ETag/);
    const body = (await res.json()) as { flags: { key: string; metadata?: Record<string, unknown> }[] };
    // SDKs tell "serving the fallback" from "serving the feature" by the fallback variant.
    expect(body.flags.find((f) => f.key === flags.kill)?.metadata).toMatchObject({ kind: "KILL_SWITCH", fallbackVariant: "off", version: expect.any(Number) });
  });

  it("sets the API security headers and CORS on every answer — computed, cached, 304, error — and HSTS only behind TLS", async () => {
    const context = JSON.stringify({ context: { targetingKey: `headers-${Date.now()}` } });
    const post = (headers: Record<string, string> = {}, body = context, path = "/ofrep/v1/evaluate/flags") =>
      fetch(`${base}${path}`, { method: "POST", headers: { authorization: `Bearer ${key}`, ...headers }, body });
    // The first two are computed; from the third on the same context is answered from the result cache (a reused answer).
    const answers = [await post(), await post(), await post(), await post({ "x-forwarded-proto": "https" }), await post({ "x-forwarded-proto": "https" }), await post()];
    const etag = answers[0]!.headers.get("etag")!;
    answers.push(await post({ "if-none-match": etag }), await post({}, "{"), await post({}, context, "/ofrep/v1/evaluate/flags/no-such-flag"));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 304, 400, 404]);
    answers.forEach((res, i) => {
      expect(res.headers.get("x-content-type-options"), `answer ${i}`).toBe("nosniff");
      expect(res.headers.get("content-security-policy"), `answer ${i}`).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers.get("access-control-allow-origin"), `answer ${i}`).toBe("*");
      expect(res.headers.get("access-control-expose-headers"), `answer ${i}`).toMatch(/ETag/);
      expect(res.headers.get("strict-transport-security"), `answer ${i}`).toBe(i === 3 || i === 4 ? "max-age=31536000; includeSubDomains" : null);
    });
    // A reused answer is byte for byte the computed one, with a length that matches it.
    const bodies = await Promise.all(answers.slice(0, 3).map((r) => r.text()));
    expect(new Set(bodies).size).toBe(1);
    expect(answers[2]!.headers.get("content-length")).toBe(String(Buffer.byteLength(bodies[2]!)));
    expect(answers[5]!.headers.get("etag")).toBe(etag);
  });
});

describe("bulk evaluation", () => {
  it("answers If-None-Match with 304 until a flag changes, then with the new values and a new ETag", async () => {
    const first = await bulk();
    expect(first.status).toBe(200);
    expect(first.etag).toMatch(/^".+"$/);
    const list = first.body!.flags as { key: string; value: unknown }[];
    expect(list.map((f) => f.key)).toEqual(Object.values(flags).sort());
    expect(first.body!.eventStreams).toEqual([expect.objectContaining({ type: "sse", url: expect.stringContaining("/ofrep/v1/stream?token=") })]);

    expect((await bulk({ "if-none-match": first.etag! })).status).toBe(304);
    // A context that evaluates differently (no targeting key: the 50 % flag answers TARGETING_KEY_MISSING) is not the same entity.
    expect((await bulk({ "if-none-match": first.etag! }, {})).status).toBe(200);

    await changeFlag(lead, projectId, { flagId: flagIds.release!, config: { enabled: false, rolloutBps: 10_000 }, reason: "off" });
    const changed = await until("a new ETag", async () => {
      const r = await bulk({ "if-none-match": first.etag! });
      return r.status === 200 ? r : null;
    });
    expect(changed.etag).not.toBe(first.etag);
    expect((changed.body!.flags as { key: string; value: unknown }[]).find((f) => f.key === flags.release)).toMatchObject({ value: false, reason: "DISABLED" });
  });

  it("answers a context asked for again from its cached result, and never with a result from before a change", async () => {
    const ctx = { targetingKey: "returning-user", plan: "pro" };
    const first = await bulk({}, ctx);
    await bulk({}, ctx); // cached from the second time on
    const again = await bulk({}, ctx);
    expect(again.etag).toBe(first.etag);
    expect(again.body).toEqual(first.body);
    const flagOf = (r: typeof first) => (r.body!.flags as { key: string; value: unknown; reason: string }[]).find((f) => f.key === flags.release);
    expect(flagOf(again)).toMatchObject({ value: false, reason: "DISABLED" }); // turned off by the test above

    const revision = snapshotStore().peek(staging.id)!.revision;
    await changeFlag(lead, projectId, { flagId: flagIds.release!, config: { enabled: true, rolloutBps: 10_000 }, reason: "on again" });
    await until("the change to reach this process", async () => snapshotStore().peek(staging.id)!.revision !== revision);
    // The very next request, with the very same bytes, sees the change.
    const after = await bulk({}, ctx);
    expect(after.etag).not.toBe(first.etag);
    expect(flagOf(after)).toMatchObject({ value: true, reason: "STATIC" });

    const killedRevision = snapshotStore().peek(staging.id)!.revision;
    await changeFlag(lead, projectId, { flagId: flagIds.release!, config: { enabled: false, rolloutBps: 10_000 }, reason: "off again" });
    await until("the kill to reach this process", async () => snapshotStore().peek(staging.id)!.revision !== killedRevision);
    expect(flagOf(await bulk({}, ctx))).toMatchObject({ value: false, reason: "DISABLED" });
    // An equivalent context written differently is evaluated on its own, to the same answer.
    expect((await bulk({}, { plan: "pro", targetingKey: "returning-user" })).body!.flags).toEqual((await bulk({}, ctx)).body!.flags);

    // The periodic refresh that finds nothing changed keeps the snapshot (and what is cached against it).
    await snapshotStore().reloadAll();
    const settled = snapshotStore().peek(staging.id);
    await snapshotStore().reloadAll();
    expect(snapshotStore().peek(staging.id)).toBe(settled);
  });

  it("stops answering a revoked key", async () => {
    const k = await createApiKey(admin, projectId, { name: "short-lived", scopes: ["flags:read"], environmentId: staging.id });
    expect((await bulk({}, {}, k.key)).status).toBe(200);
    await revokeApiKey(admin, projectId, k.id);
    expect((await bulk({}, {}, k.key)).status).toBe(401);
  });
});

describe("the push stream", () => {
  it("tells a connected client of a change, and resumes a client that missed one", async () => {
    const first = await bulk();
    const url = (first.body!.eventStreams as { url: string }[])[0]!.url;
    const stream = openStream(url);
    await until("a heartbeat", async () => stream.pings() > 0);
    expect(stream.events).toHaveLength(0); // nothing changed since the bulk fetch

    const changedAt = Date.now();
    await changeFlag(lead, projectId, { flagId: flagIds.release!, config: { enabled: true, rolloutBps: 10_000 }, reason: "back on" });
    const event = await until("a refetch event", async () => stream.events[0]);
    expect(event.data.type).toBe("refetchEvaluation");
    expect(event.at - changedAt).toBeLessThan(1_000);
    stream.close();
    await stream.done;

    // While disconnected, another change; reconnecting with the last id seen gets a refetch at once.
    await changeFlag(lead, projectId, { flagId: flagIds.release!, config: { enabled: true, rolloutBps: 2_500 }, reason: "ramp down" });
    await until("the snapshot to move on", async () => snapshotStore().peek(staging.id)!.revision !== event.id);
    const resumed = openStream(url, { "last-event-id": event.id! });
    const replay = await until("the resumed refetch", async () => resumed.events[0]);
    expect(replay.data.type).toBe("refetchEvaluation");
    expect(replay.id).not.toBe(event.id);
    resumed.close();
    await resumed.done;

    // A client reconnecting with the current id hears nothing until something changes.
    const quiet = openStream(url, { "last-event-id": replay.id! });
    await until("a heartbeat", async () => quiet.pings() > 1);
    expect(quiet.events).toHaveLength(0);
    quiet.close();
    await quiet.done;
  });

  it("refuses a forged or tampered stream token", async () => {
    const res = await fetch(`${base}/ofrep/v1/stream?token=e30.AAAA`);
    expect(res.status).toBe(401);
    const url = ((await bulk()).body!.eventStreams as { url: string }[])[0]!.url;
    const tampered = url.replace(/token=(.)/, (_m, c: string) => `token=${c === "e" ? "f" : "e"}`);
    expect((await fetch(tampered)).status).toBe(401);
  });
});

describe("the Rampart SDK against the real server", () => {
  it("connects the push stream and serves a change within a second, with the version in the flag-state snapshot", async () => {
    const sdk = createFlagsClient({ baseUrl: base, apiKey: key, context: { targetingKey: "sdk-user" }, pollIntervalMs: 60_000 });
    try {
      expect(await sdk.ready()).toBe(true);
      await until("the stream to connect", async () => sdk.status().streaming);
      const before = sdk.getBoolean(flags.release, false);
      const changedAt = Date.now();
      await changeFlag(lead, projectId, { flagId: flagIds.release!, config: { enabled: !before, rolloutBps: 10_000 }, reason: "sdk test" });
      await until("the SDK to serve the change", async () => sdk.getBoolean(flags.release, before) === !before);
      expect(Date.now() - changedAt).toBeLessThan(1_000);
      const version = (await db().flag.findUniqueOrThrow({ where: { id: flagIds.release! } })).currentVersion;
      expect(sdk.snapshot([flags.release])[flags.release]).toMatchObject({ value: !before, version });
    } finally {
      sdk.close();
    }
  });
});

describe("the cost circuit breaker", () => {
  it("serves a user over the flag's hourly ceiling its fallback, and nobody else", async () => {
    await setFlagCostCeiling(lead, projectId, { flagId: flagIds.costly!, usdPerUserHour: 0.01, reason: "cap spend" });
    await until("the ceiling to reach the snapshot", async () => snapshotStore().peek(staging.id)?.snapshot.flags[flags.costly]?.costCeilingMicros === 10_000n);
    const spend = (userId: string) =>
      sendEvents(key, { events: [interaction({ environment: "staging", userId, cost: 0.006, flags: { [flags.costly]: { value: true, variant: "on" } } })] });

    await spend("big-spender");
    expect(await client.getBooleanValue(flags.costly, false, { targetingKey: "big-spender" })).toBe(true); // 0.006 < 0.01
    await spend("big-spender");
    const tripped = await until("the breaker to trip", async () => {
      const d = await client.getBooleanDetails(flags.costly, true, { targetingKey: "big-spender" });
      return d.reason === "COST_LIMIT" ? d : null;
    });
    expect(tripped).toMatchObject({ value: false, variant: "off" });
    expect(tripped.flagMetadata.costLimitUntil).toEqual(expect.any(String));
    expect(await client.getBooleanDetails(flags.costly, false, { targetingKey: "small-spender" })).toMatchObject({ value: true });
    // A flag without a ceiling is unaffected for the same user.
    expect(await client.getBooleanValue(flags.kill, true, { targetingKey: "big-spender" })).toBe(false); // killed above, not by cost
  });

  it("stops serving a user's cached bulk result once the user trips the breaker", async () => {
    const costly = (r: Awaited<ReturnType<typeof bulk>>) => (r.body!.flags as { key: string; value: unknown; reason: string }[]).find((f) => f.key === flags.costly);
    const ctx = { targetingKey: "bulk-spender" };
    expect(costly(await bulk({}, ctx))).toMatchObject({ value: true });
    expect(costly(await bulk({}, ctx))).toMatchObject({ value: true });
    for (let i = 0; i < 2; i++) {
      await sendEvents(key, { events: [interaction({ environment: "staging", userId: "bulk-spender", cost: 0.006, flags: { [flags.costly]: { value: true, variant: "on" } } })] });
    }
    const tripped = await until("the breaker to reach bulk evaluation", async () => {
      const f = costly(await bulk({}, ctx));
      return f?.reason === "COST_LIMIT" ? f : null;
    });
    expect(tripped).toMatchObject({ value: false });
    expect(costly(await bulk({}, { targetingKey: "bulk-saver" }))).toMatchObject({ value: true });
  });

  it("counts nothing twice and resets when the hour rolls over", async () => {
    const userRef = await pseudonymize(projectId, "last-hour-user");
    const lastHour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 60_000;
    const sample = { projectId, environmentId: staging.id, userRef, costMicros: 50_000n, flags: { [flags.costly]: { value: true } }, occurredAt: new Date(lastHour) };
    await recordCosts([sample], lastHour); // over the ceiling — in the previous hour
    await new Promise((r) => setTimeout(r, 100));
    await snapshotStore().reloadAll();
    expect(await client.getBooleanDetails(flags.costly, false, { targetingKey: "last-hour-user" })).toMatchObject({ value: true, reason: "STATIC" });

    // A retried batch ("duplicate") does not count again.
    const i = interaction({ environment: "staging", userId: "retrier", cost: 0.006, flags: { [flags.costly]: { value: true } } });
    await sendEvents(key, { events: [i] });
    const retry = await sendEvents(key, { events: [i] });
    expect(retry.json.results[0].status).toBe("duplicate");
    await new Promise((r) => setTimeout(r, 100));
    expect(await client.getBooleanValue(flags.costly, false, { targetingKey: "retrier" })).toBe(true);
  });
});
