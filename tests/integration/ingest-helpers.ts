// Drives the real ingest route handlers with real Requests (no server needed)
// and builds valid events.
import { randomUUID } from "node:crypto";
import { POST as postEvents } from "@/app/api/v1/events/route";
import { POST as postReport } from "@/app/api/v1/reports/route";

export async function sendEvents(key: string | null, body: unknown, headers: Record<string, string> = {}) {
  const raw = typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body);
  const res = await postEvents(
    new Request("http://test/api/v1/events", {
      method: "POST",
      headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
      body: raw as BodyInit,
    }),
    undefined,
  );
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null };
}

export async function sendReport(key: string, body: unknown) {
  const res = await postReport(
    new Request("http://test/api/v1/reports", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    }),
    undefined,
  );
  return { status: res.status, json: await res.json() };
}

export function interaction(overrides: Record<string, unknown> = {}) {
  return {
    type: "interaction",
    requestId: `req-${randomUUID()}`,
    occurredAt: new Date().toISOString(),
    environment: "production",
    model: { provider: "openai", id: "gpt-4.1-mini", version: "2025-04-14" },
    promptTemplate: { id: "support-answer", version: "3" },
    prompt: [
      { role: "system", content: "You are a helpful support assistant." },
      { role: "user", content: "How do I reset my password?" },
    ],
    response: "Open Settings → Security and choose Reset password.",
    flags: { "assistant-v2": { value: true, variant: "on", version: 4 } },
    cohort: { platform: "web", region: "eu-west", deviceClass: "desktop", segment: "pro", locale: "en-GB" },
    userId: "user-42",
    latencyMs: 812,
    tokens: { input: 120, output: 45 },
    cost: 0.0042,
    ...overrides,
  };
}

export function verdict(requestId: string, overrides: Record<string, unknown> = {}) {
  return {
    type: "verdict",
    eventId: `v-${randomUUID()}`,
    requestId,
    occurredAt: new Date().toISOString(),
    classifier: { name: "llama-guard", version: "3-8b" },
    scores: { S10: 0.91, S1: 0.02 },
    decision: "flag",
    action: "none",
    ...overrides,
  };
}

export function report(requestId: string, overrides: Record<string, unknown> = {}) {
  return {
    type: "report",
    eventId: `r-${randomUUID()}`,
    requestId,
    occurredAt: new Date().toISOString(),
    category: "harmful",
    text: "This was upsetting",
    reporterId: "user-42",
    ...overrides,
  };
}
