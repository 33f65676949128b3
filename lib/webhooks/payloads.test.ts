import { describe, expect, it } from "vitest";
import { genericBody, pagerDutyBody, pagerDutyDedupKey, slackBody, type NotificationEvent } from "@/lib/webhooks/payloads";

const incident = { id: "11111111-1111-4111-8111-111111111111", number: 7, title: "Harmful output: assistant-v2 (production)", status: "MITIGATED", severity: "SEV2" };
const event = (type: string): NotificationEvent => ({
  type,
  projectId: "p",
  at: "2026-12-01T12:00:00.000Z",
  message: "harmful-output rate 0.75 % > 0.50 % <b>",
  incident,
  flag: { key: "assistant-v2", environmentKey: "production" },
});
const delivery = { idempotencyKey: "outbox-1:e", createdAt: new Date("2026-12-01T12:00:01Z") };

describe("webhook bodies", () => {
  it("wrap the event for generic endpoints", () => {
    expect(genericBody(event("incident.opened"), delivery)).toEqual({ type: "incident.opened", idempotencyKey: "outbox-1:e", createdAt: "2026-12-01T12:00:01.000Z", data: event("incident.opened") });
  });
  it("are Slack messages with the incident in the text, escaped", () => {
    const body = slackBody(event("incident.opened"));
    expect(body.text).toContain("INC-7 opened (SEV2, mitigated)");
    expect(JSON.stringify(body.blocks)).toContain("&lt;b&gt;");
  });
  it("trigger, acknowledge and resolve one PagerDuty incident per Rampart incident", () => {
    const trigger = pagerDutyBody(event("incident.opened"), "R0UT1NGKEY", delivery);
    expect(trigger).toMatchObject({
      routing_key: "R0UT1NGKEY",
      event_action: "trigger",
      dedup_key: pagerDutyDedupKey(incident.id),
      payload: { source: "rampart", severity: "error", component: "assistant-v2", group: "production", class: "incident.opened" },
    });
    expect(pagerDutyBody(event("incident.updated"), "R", delivery)).toMatchObject({ event_action: "trigger", dedup_key: pagerDutyDedupKey(incident.id) });
    expect(pagerDutyBody(event("incident.acknowledged"), "R", delivery)).toEqual({ routing_key: "R", event_action: "acknowledge", dedup_key: pagerDutyDedupKey(incident.id) });
    expect(pagerDutyBody(event("incident.resolved"), "R", delivery)).toEqual({ routing_key: "R", event_action: "resolve", dedup_key: pagerDutyDedupKey(incident.id) });
  });
  it("trigger PagerDuty for other events with a key of their own", () => {
    const body = pagerDutyBody({ type: "sla.breached", projectId: "p", severity: "SEV1" }, "R", delivery) as { dedup_key: string; payload: { severity: string } };
    expect(body.dedup_key).toBe("rampart-sla.breached-outbox-1:e");
    expect(body.payload.severity).toBe("critical");
  });
});
