// Fuzzing the public API (issue #11, "bad input"): generated malformed input
// against ingest, reports, OFREP evaluation and the push stream. Nothing may
// answer 5xx or crash, and nothing from rejected input may be stored: the
// rows added equal exactly what the responses said was accepted.
// Deterministic (seeded); FUZZ_SEED and FUZZ_ROUNDS vary it.
import { recordFact } from "../reliability-facts";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { disconnectRedis } from "@/lib/redis";
import { closeQueues } from "@/lib/queues/producers";
import { createApiKey } from "@/lib/api-keys/create-api-key";
import { createFlag } from "@/lib/flags/create-flag";
import { closeSnapshotStore } from "@/lib/flags/delivery/snapshot-store";
import { streamHub } from "@/lib/flags/delivery/sse";
import { handleOfrepNode } from "@/lib/http/ofrep-node";
import { postEvents, postReport } from "@/lib/http/public-api";
import { makeTenant, memberActor, uniq } from "./fixtures";
import { interaction, report, verdict } from "./ingest-helpers";

const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 150);

/** mulberry32: small, fast, good enough to explore inputs reproducibly. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}
const r = rng(SEED);

const nasty = [
  "",
  " ",
  "\u0000",
  "\u202e\u2066evil",
  "😀".repeat(50),
  "<script>alert(1)</script>",
  "a".repeat(70_000),
  "../../etc/passwd",
  "%00%ff",
  "null",
  "1e309",
  "-0",
  "\ud800",
  "' OR 1=1 --",
  "${jndi:ldap://x}",
];
const nastyValues: unknown[] = [null, true, false, 0, -1, 1.5, 2 ** 53 + 1, -(2 ** 31), 1e308, [], {}, [null], { "": "" }, { __proto__: { polluted: true } }, ...nasty];

/** What a client can put in a header (fetch refuses anything else before sending). */
const headerSafe = (v: string) => v.replace(/[^\x20-\x7e]/g, "?").trim() || "x";
/** encodeURIComponent refuses lone surrogates; the server must still see odd bytes, so fall back to raw escapes. */
const pathSafe = (v: string) => {
  try {
    return encodeURIComponent(v);
  } catch {
    return "%ED%A0%80";
  }
};

function randomJson(depth = 0): unknown {
  const k = r.int(depth > 3 ? 4 : 7);
  if (k === 0) return r.pick(nastyValues);
  if (k === 1) return r.next() * 10 ** r.int(12) * (r.next() < 0.5 ? -1 : 1);
  if (k === 2) return r.pick(nasty);
  if (k === 3) return r.next() < 0.5;
  if (k === 4) return Array.from({ length: r.int(5) }, () => randomJson(depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = r.int(5); i > 0; i--) o[r.pick(["type", "requestId", "eventId", "context", "targetingKey", "events", "flags", r.pick(nasty).slice(0, 20)])] = randomJson(depth + 1);
  return o;
}

/** A valid object with one thing wrong: a field replaced, removed, or added. */
function mutate(valid: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(valid);
  const keys = Object.keys(copy);
  for (let n = 1 + r.int(2); n > 0; n--) {
    const key = r.pick(keys);
    const how = r.int(4);
    if (how === 0) delete copy[key];
    else if (how === 1) copy[key] = randomJson(1);
    else if (how === 2 && copy[key] && typeof copy[key] === "object") (copy[key] as Record<string, unknown>)[r.pick(nasty).slice(0, 10) || "x"] = randomJson(2);
    else copy[r.pick(nasty).slice(0, 30) || "extra"] = randomJson(1);
  }
  return copy;
}

function event(): unknown {
  const i = interaction({ environment: "production" });
  const kind = r.int(6);
  if (kind === 0) return i;
  if (kind === 1) return verdict(i.requestId);
  if (kind === 2) return report(i.requestId);
  if (kind === 3) return mutate(verdict(i.requestId) as Record<string, unknown>);
  if (kind === 4) return mutate(report(i.requestId) as Record<string, unknown>);
  return mutate(i as Record<string, unknown>);
}

/** A body: usually a batch with some broken events, sometimes broken JSON or not JSON at all. */
function ingestBody(): string | Uint8Array {
  const k = r.int(10);
  if (k <= 4) return JSON.stringify({ events: Array.from({ length: 1 + r.int(4) }, event) });
  if (k === 5) return JSON.stringify(randomJson());
  if (k === 6) return JSON.stringify({ events: Array.from({ length: 1 + r.int(3) }, event) }).slice(0, 20 + r.int(200));
  if (k === 7) return Uint8Array.from({ length: r.int(300) }, () => r.int(256));
  if (k === 8) return `{"events":${"[".repeat(2_000 + r.int(50_000))}`;
  return JSON.stringify({ events: { length: 1e9 } });
}

let projectId: string;
let key: string;
let flagsKey: string;
let server: Server;
let base: string;
const statuses: Record<string, number> = {};
let tried = 0;
const tally = (surface: string, status: number) => {
  tried++;
  statuses[`${surface} ${status}`] = (statuses[`${surface} ${status}`] ?? 0) + 1;
};

const counts = async () => ({
  interactions: await db().interaction.count({ where: { projectId } }),
  verdicts: await db().verdict.count({ where: { projectId } }),
  reports: await db().userReport.count({ where: { projectId } }),
});

beforeAll(async () => {
  const t = await makeTenant();
  projectId = t.project.id;
  const admin = await memberActor(projectId, "ADMIN");
  key = (await createApiKey(admin, projectId, { name: "fuzz", scopes: ["events:write"] })).key;
  flagsKey = (await createApiKey(admin, projectId, { name: "fuzz flags", scopes: ["flags:read"] })).key;
  await db().apiKey.updateMany({ where: { projectId }, data: { rateLimitPerSecond: 1_000_000 } });
  await createFlag(await memberActor(projectId, "LEAD"), projectId, { key: uniq("fuzz-flag"), kind: "RELEASE", reason: "fuzz" });
  // As server.ts does: the OFREP layer first (it sets its own security and CORS headers).
  server = createServer((req, res) => {
    if (!handleOfrepNode(req, res)) {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  console.log(`[fuzz] seed ${SEED}: ${tried} inputs tried`, JSON.stringify(statuses));
  recordFact("fuzz", { seed: SEED, tried, statuses });
  streamHub().closeAll();
  server?.closeAllConnections();
  if (server) await new Promise((ok) => server.close(ok));
  closeSnapshotStore();
  await closeQueues();
  await disconnectRedis();
  await disconnectDb();
});

describe("fuzzing the public API", () => {
  it("ingest: no 5xx, and exactly the accepted events are stored", async () => {
    const before = await counts();
    let accepted = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const body = ingestBody();
      const contentType = r.next() < 0.9 ? "application/json" : r.pick(["text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1", ""]);
      const res = await postEvents(
        new Request("http://test/api/v1/events", {
          method: "POST",
          headers: { authorization: `Bearer ${r.next() < 0.95 ? key : r.pick(["rmp_x", "Bearer", key.slice(0, -1) + "A"])}`, ...(contentType ? { "content-type": contentType } : {}) },
          body: body as BodyInit,
        }),
        undefined,
      );
      tally("events", res.status);
      expect(res.status, `input ${i}`).toBeLessThan(500);
      const json = (await res.json()) as { accepted?: number };
      if (res.status === 200) accepted += json.accepted ?? 0;
    }
    const after = await counts();
    expect(after.interactions + after.verdicts + after.reports - (before.interactions + before.verdicts + before.reports)).toBe(accepted);
  });

  it("reports: no 5xx, and a rejected report stores nothing", async () => {
    const before = await counts();
    let stored = 0;
    for (let i = 0; i < ROUNDS / 3; i++) {
      const valid = { requestId: `req-${uniq("x")}`, category: "harmful", text: "bad answer" };
      const body = r.next() < 0.3 ? JSON.stringify(valid) : r.next() < 0.7 ? JSON.stringify(mutate(valid)) : JSON.stringify(randomJson());
      const res = await postReport(new Request("http://test/api/v1/reports", { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body }), undefined);
      tally("reports", res.status);
      expect(res.status, `input ${i}`).toBeLessThan(500);
      if (res.status === 201) stored++;
    }
    expect((await counts()).reports - before.reports).toBe(stored);
  });

  it("OFREP evaluation: no 5xx, whatever the path, body or headers", async () => {
    const paths = ["/ofrep/v1/evaluate/flags", "/ofrep/v1/evaluate/flags/", `/ofrep/v1/evaluate/flags/${pathSafe(r.pick(nasty).slice(0, 50))}`, "/ofrep/v1/evaluate/flags/%E0%A4%A", "/ofrep/v1/configuration", "/ofrep/v1/nope"];
    for (let i = 0; i < ROUNDS; i++) {
      const path = r.pick(paths);
      const body = r.next() < 0.2 ? Uint8Array.from({ length: r.int(200) }, () => r.int(256)) : JSON.stringify(r.next() < 0.5 ? { context: randomJson() } : randomJson());
      const method = r.next() < 0.85 ? "POST" : r.pick(["GET", "PUT", "DELETE", "PATCH"]);
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${r.next() < 0.9 ? flagsKey : key}`, "content-type": "application/json", ...(r.next() < 0.2 ? { "if-none-match": headerSafe(r.pick(nasty).slice(0, 100)) } : {}), ...(r.next() < 0.2 ? { "x-rampart-environment": headerSafe(r.pick(nasty).slice(0, 100)) } : {}) },
        body: method === "GET" ? undefined : (body as BodyInit),
      });
      tally("ofrep", res.status);
      expect(res.status, `input ${i} ${path}`).toBeLessThan(500);
      await res.text();
    }
  });

  it("the push stream: no 5xx for forged tokens or odd headers", async () => {
    for (let i = 0; i < ROUNDS / 5; i++) {
      const token = r.pick([r.pick(nasty), `${Buffer.from(JSON.stringify(randomJson())).toString("base64url")}.${"A".repeat(r.int(60))}`, "e30.", ".", "a".repeat(3000)]);
      const controller = new AbortController();
      const res = await fetch(`${base}/ofrep/v1/stream?token=${pathSafe(token)}`, { headers: { "last-event-id": headerSafe(r.pick(nasty).slice(0, 200)) }, signal: controller.signal });
      tally("stream", res.status);
      expect(res.status, `input ${i}`).toBeLessThan(500);
      controller.abort();
    }
  });
});
