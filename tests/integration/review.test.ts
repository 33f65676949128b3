// Labels, double review with adjudication, reviewer agreement, bulk actions
// and the break reminder, against the real database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { disconnectRedis } from "@/lib/redis";
import { closeQueues } from "@/lib/queues/producers";
import { claimNextItem } from "@/lib/triage/claim-next";
import { transitionItem } from "@/lib/triage/transition-item";
import { submitLabel } from "@/lib/review/submit-label";
import { bulkTransition } from "@/lib/triage/bulk-transition";
import { getBreakReminder } from "@/lib/review/get-break-reminder";
import { listQueue } from "@/lib/review/list-queue";
import { parseReviewPreferences } from "@/lib/review/review-preferences";
import type { UserActor } from "@/lib/auth/actor-types";
import { makeTenant, memberActor, uniq } from "./fixtures";

let projectId: string;
let otherProjectId: string;
let reviewer: UserActor;
let reviewer2: UserActor;
let lead: UserActor;
let viewer: UserActor;

beforeAll(async () => {
  const t = await makeTenant();
  projectId = t.project.id;
  otherProjectId = (await makeTenant()).project.id;
  [reviewer, reviewer2, lead, viewer] = await Promise.all([
    memberActor(projectId, "REVIEWER"),
    memberActor(projectId, "REVIEWER"),
    memberActor(projectId, "LEAD"),
    memberActor(projectId, "VIEWER"),
  ]);
});
afterAll(async () => {
  await closeQueues();
  await disconnectRedis();
  await disconnectDb();
});

async function makeItem(pid = projectId, severity: "SEV1" | "SEV2" | "SEV3" | "SEV4" = "SEV3") {
  return db().triageItem.create({
    data: { projectId: pid, requestId: uniq("req"), severity, source: "CLASSIFIER", categories: ["S10"], firstTriageDueAt: new Date(Date.now() + 3_600_000) },
  });
}

/** Only this test's item is open, so claim-next is deterministic. */
async function closeOpenItems(pid = projectId) {
  await db().triageItem.updateMany({ where: { projectId: pid, status: { in: ["NEW", "ESCALATED", "CLAIMED"] } }, data: { status: "DISMISSED" } });
}

async function claim(actor: UserActor, itemId: string) {
  return transitionItem(actor, projectId, itemId, { action: "claim", expectedVersion: (await db().triageItem.findUniqueOrThrow({ where: { id: itemId } })).version });
}

const input = (verdict: "HARMFUL" | "BENIGN" | "INCORRECT", expectedVersion: number, outcome: "resolve" | "dismiss" = "resolve") => ({
  verdict,
  expectedVersion,
  outcome,
  hazardCategories: ["S10", "competitor"],
  severity: "SEV2" as const,
  notes: "hateful slur in the answer",
  correctedResponse: "I can't help with that, but here is our respectful-language policy.",
});

describe("labeling an item", () => {
  it("stores the label as training data, resolves the item and audits both", async () => {
    const item = await makeItem();
    const claimed = await claim(reviewer, item.id);
    const saved = await submitLabel(reviewer, projectId, item.id, input("HARMFUL", claimed.version));
    expect(saved).toMatchObject({ kind: "PRIMARY", status: "RESOLVED", outcome: "settled" });

    const stored = await db().label.findMany({ where: { triageItemId: item.id } });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      verdict: "HARMFUL",
      hazardCategories: ["S10", "competitor"],
      severity: "SEV2",
      correctedResponse: "I can't help with that, but here is our respectful-language policy.",
      reviewerId: reviewer.userId,
    });
    const after = await db().triageItem.findUniqueOrThrow({ where: { id: item.id } });
    expect(after.resolvedAt).not.toBeNull();
    expect(after.firstTriagedAt).not.toBeNull();
    const audit = await db().auditEvent.findFirst({ where: { projectId, targetId: item.id, action: "triage.labeled" } });
    expect(audit?.actorId).toBe(reviewer.userId);
    expect(audit?.after).toMatchObject({ status: "RESOLVED", verdict: "HARMFUL", kind: "PRIMARY" });
  });

  it("dismisses when the reviewer says no action is needed", async () => {
    const item = await makeItem();
    const claimed = await claim(reviewer, item.id);
    expect(await submitLabel(reviewer, projectId, item.id, input("BENIGN", claimed.version, "dismiss"))).toMatchObject({ status: "DISMISSED" });
  });

  it("refuses a stale version or a lapsed lease, and stores nothing", async () => {
    const item = await makeItem();
    const claimed = await claim(reviewer, item.id);
    await expect(submitLabel(reviewer, projectId, item.id, input("HARMFUL", claimed.version - 1))).rejects.toMatchObject({ code: "CONFLICT" });
    await db().triageItem.update({ where: { id: item.id }, data: { leaseExpiresAt: new Date(Date.now() - 1000) } });
    await expect(submitLabel(reviewer, projectId, item.id, input("HARMFUL", claimed.version))).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/lapsed/),
    });
    // Someone else's claim: the lease is not the caller's.
    await expect(submitLabel(reviewer2, projectId, item.id, input("HARMFUL", claimed.version))).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await db().label.count({ where: { triageItemId: item.id } })).toBe(0);
    expect((await db().triageItem.findUniqueOrThrow({ where: { id: item.id } })).status).toBe("CLAIMED");
  });

  it("rejects a malformed verdict with the field named", async () => {
    const item = await makeItem();
    const claimed = await claim(reviewer, item.id);
    await expect(submitLabel(reviewer, projectId, item.id, { ...input("HARMFUL", claimed.version), verdict: "AWFUL" as never })).rejects.toMatchObject({
      name: "ZodError",
      issues: [expect.objectContaining({ path: ["verdict"] })],
    });
  });

  it("lets a viewer label nothing, and a member of another project not even find the item", async () => {
    const item = await makeItem();
    await expect(submitLabel(viewer, projectId, item.id, input("HARMFUL", 0))).rejects.toMatchObject({ code: "FORBIDDEN" });
    const outsider = await memberActor(otherProjectId, "ADMIN");
    await expect(submitLabel(outsider, projectId, item.id, input("HARMFUL", 0))).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(submitLabel(outsider, otherProjectId, item.id, input("HARMFUL", 0))).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("double review", () => {
  beforeAll(async () => {
    await db().project.update({ where: { id: projectId }, data: { doubleReviewBps: 10_000 } });
  });
  afterAll(async () => {
    await db().project.update({ where: { id: projectId }, data: { doubleReviewBps: 0 } });
  });

  it("sends a disagreement to a lead, who settles it; agreement is stored per reviewer", async () => {
    await closeOpenItems();
    const item = await makeItem();
    const first = await claimNextItem(reviewer, projectId);
    expect(first?.id).toBe(item.id);
    const v1 = (await db().triageItem.findUniqueOrThrow({ where: { id: item.id } })).version;
    expect(await submitLabel(reviewer, projectId, item.id, input("HARMFUL", v1))).toMatchObject({ status: "NEW", outcome: "second_review" });
    expect((await db().triageItem.findUniqueOrThrow({ where: { id: item.id } })).needsSecondReview).toBe(true);

    // Blind and by someone else: never handed back to the first reviewer.
    expect(await claimNextItem(reviewer, projectId)).toBeNull();
    expect((await claimNextItem(reviewer2, projectId))?.id).toBe(item.id);
    const v2 = (await db().triageItem.findUniqueOrThrow({ where: { id: item.id } })).version;
    expect(await submitLabel(reviewer2, projectId, item.id, input("BENIGN", v2))).toMatchObject({ kind: "SECOND", status: "ESCALATED", outcome: "adjudication" });

    // Escalated items are a lead's to claim.
    expect(await claimNextItem(reviewer2, projectId)).toBeNull();
    expect((await claimNextItem(lead, projectId))?.id).toBe(item.id);
    const v3 = (await db().triageItem.findUniqueOrThrow({ where: { id: item.id } })).version;
    expect(await submitLabel(lead, projectId, item.id, input("BENIGN", v3))).toMatchObject({ kind: "ADJUDICATION", status: "RESOLVED", outcome: "settled" });

    const kinds = (await db().label.findMany({ where: { triageItemId: item.id }, orderBy: { createdAt: "asc" } })).map((l) => [l.kind, l.verdict]);
    expect(kinds).toEqual([
      ["PRIMARY", "HARMFUL"],
      ["SECOND", "BENIGN"],
      ["ADJUDICATION", "BENIGN"],
    ]);
    const agreement = await db().reviewerAgreement.findMany({ where: { projectId }, orderBy: { reviewerId: "asc" } });
    expect(agreement.map((a) => a.reviewerId).sort()).toEqual([reviewer.userId, reviewer2.userId].sort());
    for (const a of agreement) expect(a).toMatchObject({ pairs: 1, agreements: 0 });
  });

  it("settles at once when the second review agrees, and kappa follows the pairs", async () => {
    for (const verdicts of [
      ["HARMFUL", "HARMFUL"],
      ["BENIGN", "BENIGN"],
      ["INCORRECT", "INCORRECT"],
    ] as const) {
      await closeOpenItems();
      const item = await makeItem();
      await claimNextItem(reviewer, projectId);
      await submitLabel(reviewer, projectId, item.id, input(verdicts[0], (await db().triageItem.findUniqueOrThrow({ where: { id: item.id } })).version));
      await claimNextItem(reviewer2, projectId);
      const saved = await submitLabel(reviewer2, projectId, item.id, input(verdicts[1], (await db().triageItem.findUniqueOrThrow({ where: { id: item.id } })).version));
      expect(saved).toMatchObject({ kind: "SECOND", status: "RESOLVED", outcome: "settled" });
    }
    // With the disagreement above: 4 pairs, 3 agreements. Reviewer 1 said H,H,B,I and reviewer 2 B,H,B,I:
    // po = 0.75, pe = (2/4·1/4) + (1/4·2/4) + (1/4·1/4) = 0.3125, κ = (0.75 − 0.3125) / 0.6875 ≈ 0.636
    const a = await db().reviewerAgreement.findUniqueOrThrow({ where: { projectId_reviewerId: { projectId, reviewerId: reviewer.userId } } });
    expect(a).toMatchObject({ pairs: 4, agreements: 3 });
    expect(a.kappa).toBeCloseTo(0.6364, 3);
  });

  it("does not let the first reviewer give the second review", async () => {
    await closeOpenItems();
    const item = await makeItem();
    await claimNextItem(reviewer, projectId);
    await submitLabel(reviewer, projectId, item.id, input("HARMFUL", (await db().triageItem.findUniqueOrThrow({ where: { id: item.id } })).version));
    const claimed = await claim(reviewer, item.id);
    await expect(submitLabel(reviewer, projectId, item.id, input("HARMFUL", claimed.version))).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/blind/) });
    expect(await db().label.count({ where: { triageItemId: item.id } })).toBe(1);
  });
});

describe("bulk actions", () => {
  it("lets a lead resolve many open items with one reason, skipping closed ones and other projects' ids", async () => {
    const [a, b, closed] = await Promise.all([makeItem(), makeItem(), makeItem()]);
    await db().triageItem.update({ where: { id: closed.id }, data: { status: "RESOLVED" } });
    const foreign = await makeItem(otherProjectId);
    const r = await bulkTransition(lead, projectId, { action: "dismiss", itemIds: [a.id, b.id, closed.id, foreign.id], reason: "spam wave from one tenant" });
    expect(r).toEqual({ changed: 2, skipped: 2 });
    expect((await db().triageItem.findMany({ where: { id: { in: [a.id, b.id] } } })).map((i) => i.status)).toEqual(["DISMISSED", "DISMISSED"]);
    expect((await db().triageItem.findUniqueOrThrow({ where: { id: foreign.id } })).status).toBe("NEW");
    const audits = await db().auditEvent.findMany({ where: { projectId, action: "triage.bulk_dismiss", targetId: { in: [a.id, b.id] } } });
    expect(audits).toHaveLength(2);
    expect(audits[0]!.metadata).toMatchObject({ reason: "spam wave from one tenant" });
  });

  it("is for leads only and needs a reason", async () => {
    const a = await makeItem();
    await expect(bulkTransition(reviewer, projectId, { action: "resolve", itemIds: [a.id], reason: "because" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(bulkTransition(lead, projectId, { action: "resolve", itemIds: [a.id], reason: "" })).rejects.toMatchObject({ name: "ZodError" });
    expect((await db().triageItem.findUniqueOrThrow({ where: { id: a.id } })).status).toBe("NEW");
  });
});

describe("break reminder", () => {
  it("suggests a break after the chosen number of sev1 items in a row, and not after the reviewer took one", async () => {
    const tired = await memberActor(projectId, "REVIEWER");
    const prefs = parseReviewPreferences({ breakAfterSev1: 3 });
    const seen = [];
    for (const severity of ["SEV1", "SEV3", "SEV1", "SEV1", "SEV1"] as const) {
      await closeOpenItems();
      const item = await makeItem(projectId, severity);
      await claimNextItem(tired, projectId);
      await submitLabel(tired, projectId, item.id, input("HARMFUL", (await db().triageItem.findUniqueOrThrow({ where: { id: item.id } })).version));
      seen.push(await getBreakReminder(tired, prefs));
    }
    // The sev3 item in between breaks the first run.
    expect(seen).toEqual([null, null, null, null, { streak: 3 }]);
    expect(await getBreakReminder(tired, parseReviewPreferences({ breakAfterSev1: 0 }))).toBeNull();
    expect(await getBreakReminder(tired, parseReviewPreferences({ breakAfterSev1: 3, breakTakenAt: new Date().toISOString() }))).toBeNull();
  });
});

describe("queue search", () => {
  it("lists open items only, but finds a closed item by its request id", async () => {
    const item = await makeItem();
    await db().triageItem.update({ where: { id: item.id }, data: { status: "RESOLVED", resolvedAt: new Date() } });
    const open = await listQueue(reviewer, projectId, { filters: {} });
    expect(open.rows.map((r) => r.id)).not.toContain(item.id);
    const found = await listQueue(reviewer, projectId, { filters: { q: item.requestId } });
    expect(found.rows.map((r) => [r.id, r.status])).toEqual([[item.id, "RESOLVED"]]);
    // Another project's request id finds nothing.
    const foreign = await makeItem(otherProjectId);
    expect((await listQueue(reviewer, projectId, { filters: { q: foreign.requestId } })).rows).toEqual([]);
  });
});
