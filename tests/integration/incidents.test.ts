// Incidents by hand: opened from a triage item, acknowledged, mitigated,
// resolved, noted, with a postmortem; response times as median and p90; and
// PagerDuty hearing trigger, acknowledge and resolve for one dedup key.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { disconnectRedis } from "@/lib/redis";
import { closeQueues } from "@/lib/queues/producers";
import type { AppError } from "@/lib/errors";
import type { UserActor } from "@/lib/auth/actor-types";
import { openIncident } from "@/lib/incidents/open-incident";
import { acknowledgeIncident } from "@/lib/incidents/acknowledge-incident";
import { mitigateIncident } from "@/lib/incidents/mitigate-incident";
import { resolveIncident } from "@/lib/incidents/resolve-incident";
import { addIncidentNote } from "@/lib/incidents/add-incident-note";
import { setIncidentPostmortem } from "@/lib/incidents/set-incident-postmortem";
import { linkTriageItem } from "@/lib/incidents/link-triage-item";
import { getIncident } from "@/lib/incidents/get-incident";
import { listIncidents } from "@/lib/incidents/list-incidents";
import { getIncidentMetrics } from "@/lib/incidents/get-incident-metrics";
import { createWebhookEndpoint } from "@/lib/webhooks/create-webhook-endpoint";
import { pagerDutyDedupKey } from "@/lib/webhooks/payloads";
import { makeTenant, memberActor, uniq } from "./fixtures";
import { startReceiver, startWorkers, waitFor } from "./worker-harness";

let stopWorkers: () => Promise<void>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let projectId: string;
let lead: UserActor;
let viewer: UserActor;

beforeAll(async () => {
  stopWorkers = startWorkers(["notifications", "webhooks"]);
  receiver = await startReceiver();
  const { project } = await makeTenant();
  projectId = project.id;
  [lead, viewer] = await Promise.all([memberActor(projectId, "LEAD"), memberActor(projectId, "VIEWER")]);
});
afterAll(async () => {
  await stopWorkers();
  await receiver.close();
  await closeQueues();
  await disconnectRedis();
  await disconnectDb();
});

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return "OK";
  } catch (err) {
    return (err as AppError).code ?? String(err);
  }
};

const triageItem = () =>
  db().triageItem.create({ data: { projectId, requestId: uniq("req"), severity: "SEV2", source: "REPORT", categories: [], reportCount: 3 } });

describe("an incident opened by hand", () => {
  it("runs through its timeline, each step once, audited, and PagerDuty hears it under one dedup key", async () => {
    const admin = await memberActor(projectId, "ADMIN");
    await createWebhookEndpoint(admin, projectId, { name: "pd", url: receiver.url, style: "PAGERDUTY", secret: "R0UTING-KEY-0123456789" });
    const item = await triageItem();
    expect(await codeOf(openIncident(viewer, projectId, { title: "x", severity: "SEV2" }))).toBe("FORBIDDEN");
    const outsider = await memberActor((await makeTenant()).project.id, "LEAD");
    expect(await codeOf(openIncident(outsider, projectId, { title: "x", severity: "SEV2" }))).toBe("NOT_FOUND");

    const impact = new Date(Date.now() - 10 * 60_000);
    const opened = await openIncident(lead, projectId, { title: "Reports of wrong refund amounts", severity: "SEV2", summary: "Three users reported it", triageItemId: item.id, impactStartedAt: impact });
    expect(opened).toMatchObject({ status: "OPEN", source: "MANUAL", impactStartedAt: impact });
    expect((await db().triageItem.findUniqueOrThrow({ where: { id: item.id } })).incidentId).toBe(opened.id);
    expect(await codeOf(getIncident(outsider, projectId, opened.id))).toBe("NOT_FOUND");

    expect(await acknowledgeIncident(lead, projectId, { incidentId: opened.id })).toMatchObject({ status: "ACKNOWLEDGED", changed: true });
    expect(await acknowledgeIncident(lead, projectId, { incidentId: opened.id })).toMatchObject({ changed: false });
    await addIncidentNote(lead, projectId, { incidentId: opened.id, message: "Rolled back the prompt template by hand" });
    expect(await mitigateIncident(lead, projectId, { incidentId: opened.id, note: "Template reverted" })).toMatchObject({ status: "MITIGATED" });
    const other = await triageItem();
    expect(await linkTriageItem(lead, projectId, { incidentId: opened.id, triageItemId: other.id })).toEqual({ changed: true });
    expect(await resolveIncident(lead, projectId, { incidentId: opened.id })).toMatchObject({ status: "RESOLVED" });
    await setIncidentPostmortem(lead, projectId, { incidentId: opened.id, postmortem: "## What happened\nA template change shipped without review." });
    expect(await codeOf(addIncidentNote(viewer, projectId, { incidentId: opened.id, message: "hi" }))).toBe("FORBIDDEN");

    const detail = await getIncident(viewer, projectId, opened.id);
    expect(detail.events.map((e) => e.kind)).toEqual(["impact_started", "detected", "triage_link", "acknowledged", "note", "mitigated", "triage_link", "resolved", "postmortem"]);
    expect(detail.events.find((e) => e.kind === "acknowledged")).toMatchObject({ actorType: "USER", actorId: lead.userId, actorLabel: lead.email });
    expect(detail.triageItems.map((t) => t.id).sort()).toEqual([item.id, other.id].sort());
    expect(detail.postmortem).toContain("What happened");
    expect(detail.durations.ttmMs).toBeGreaterThanOrEqual(10 * 60_000);
    expect(detail.durations.ttaMs).toBeLessThan(60_000);

    const audit = await db().auditEvent.findMany({ where: { projectId, targetType: "incident", targetId: opened.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual([
      "incident.opened",
      "incident.acknowledged",
      "incident.note_added",
      "incident.mitigated",
      "incident.resolved",
      "incident.postmortem_updated",
    ]);
    expect(await codeOf(acknowledgeIncident(lead, projectId, { incidentId: (await openIncident(lead, projectId, { title: "b", severity: "SEV4" })).id }))).toBe("OK");

    // PagerDuty: a trigger for opening (and mitigation), then acknowledge and resolve, all for this incident's dedup key.
    const heard = await waitFor("PagerDuty events", async () => {
      const mine = receiver.received.map((r) => JSON.parse(r.body) as { event_action: string; dedup_key: string; routing_key: string }).filter((b) => b.dedup_key === pagerDutyDedupKey(opened.id));
      return mine.length >= 4 ? mine : null;
    });
    expect(heard.map((b) => b.event_action).sort()).toEqual(["acknowledge", "resolve", "trigger", "trigger"]);
    expect(heard.every((b) => b.routing_key === "R0UTING-KEY-0123456789")).toBe(true);
  });

  it("cannot be acknowledged once resolved", async () => {
    const i = await openIncident(lead, projectId, { title: "short", severity: "SEV3" });
    await resolveIncident(lead, projectId, { incidentId: i.id });
    expect(await codeOf(acknowledgeIncident(lead, projectId, { incidentId: i.id }))).toBe("CONFLICT");
  });
});

describe("response times", () => {
  it("are reported as median and p90 over the project's incidents, and per incident", async () => {
    const { project } = await makeTenant();
    const l = await memberActor(project.id, "LEAD");
    const t0 = Date.now() - 86_400_000;
    // Mitigated after 1, 2, 3, 4 and 60 minutes.
    for (const [k, minutes] of [1, 2, 3, 4, 60].entries()) {
      const i = await openIncident(l, project.id, { title: `i${k}`, severity: "SEV2" });
      await db().incident.update({
        where: { id: i.id },
        data: { impactStartedAt: new Date(t0), detectedAt: new Date(t0 + 30_000), acknowledgedAt: new Date(t0 + 90_000), mitigatedAt: new Date(t0 + minutes * 60_000), resolvedAt: new Date(t0 + 2 * minutes * 60_000) },
      });
    }
    const m = await getIncidentMetrics(l, project.id);
    expect(m.incidents).toBe(5);
    expect(m.ttm).toMatchObject({ count: 5, medianMs: 3 * 60_000, p90Ms: (4 + 0.6 * 56) * 60_000 });
    expect(m.ttm.meanMs).toBe(14 * 60_000);
    expect(m.tta).toMatchObject({ medianMs: 60_000, p90Ms: 60_000 });
    expect(m.ttr.medianMs).toBe(6 * 60_000);
    const { incidents } = await listIncidents(l, project.id, { limit: 2 });
    expect(incidents.map((i) => i.number)).toEqual([5, 4]);
    expect(incidents[0]!.durations.ttmMs).toBe(60 * 60_000);
    expect(await getIncidentMetrics(l, project.id, { since: new Date() })).toMatchObject({ incidents: 0 });
  });
});
