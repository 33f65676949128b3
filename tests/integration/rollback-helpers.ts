// Tenants with a release flag in a protected environment, and traffic for them.
import { expect } from "vitest";
import { db } from "@/lib/db";
import { createApiKey } from "@/lib/api-keys/create-api-key";
import type { UserActor } from "@/lib/auth/actor-types";
import { createFlag } from "@/lib/flags/create-flag";
import { changeFlag } from "@/lib/flags/change-flag";
import { approveFlagVersion } from "@/lib/flags/approve-flag-version";
import { queues } from "@/lib/queues/contracts";
import { markOutboxProcessed } from "@/lib/outbox/relay";
import { processAcceptedBatch } from "@/lib/triage/process-signals";
import { countForRollback } from "@/lib/rollback/record-counters";
import { makeTenant, memberActor } from "./fixtures";
import { sendEvents } from "./ingest-helpers";

/** A tenant with an API key, two leads (changes in production need a second person) and a release flag at `rolloutBps`. */
export async function setup(flagKey: string, rolloutBps: number) {
  const { project } = await makeTenant();
  const [admin, lead, otherLead] = await Promise.all([memberActor(project.id, "ADMIN"), memberActor(project.id, "LEAD"), memberActor(project.id, "LEAD")]);
  const { key } = await createApiKey(admin, project.id, { name: "k", scopes: ["events:write"] });
  const { flags } = await createFlag(lead, project.id, { key: flagKey, kind: "RELEASE", config: { enabled: true, rolloutBps }, reason: "canary" });
  const pending = await db().flagVersion.findFirstOrThrow({ where: { flagId: flags[0]!.flagId, status: "PENDING_APPROVAL" } });
  await approveFlagVersion(otherLead, project.id, pending.id);
  return { projectId: project.id, key, admin, lead, otherLead, flagId: flags[0]!.flagId };
}

export async function widen(s: { projectId: string; lead: UserActor; otherLead: UserActor; flagId: string }, rolloutBps: number) {
  const change = await changeFlag(s.lead, s.projectId, { flagId: s.flagId, config: { enabled: true, rolloutBps }, reason: "widen" });
  const pending = await db().flagVersion.findUniqueOrThrow({ where: { flagId_version: { flagId: s.flagId, version: change.version! } } });
  await approveFlagVersion(s.otherLead, s.projectId, pending.id);
}

export const flagRow = (id: string) => db().flag.findUniqueOrThrow({ where: { id }, include: { versions: { orderBy: { version: "asc" } } } });

export async function sendAll(key: string, events: unknown[]) {
  for (let i = 0; i < events.length; i += 500) {
    const res = await sendEvents(key, { events: events.slice(i, i + 500) });
    expect(res.status).toBe(200);
    expect(res.json.rejected).toBe(0);
  }
}

/**
 * What the ingest worker does with each of the project's committed batches
 * (workers/processors/triage.ts), done here in order, so that a test decides
 * when rules are evaluated.
 */
export async function processOutbox(projectId: string) {
  const rows = await db().outboxEvent.findMany({ where: { queue: "ingest", processedAt: null, payload: { path: ["projectId"], equals: projectId } }, orderBy: { id: "asc" } });
  for (const row of rows) {
    const batch = queues.ingest.jobs.accepted.parse(row.payload);
    await countForRollback(batch);
    await processAcceptedBatch(batch);
    await markOutboxProcessed(row.id);
  }
}
