import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { createRedis, disconnectRedis, redis } from "@/lib/redis";
import type { AppError } from "@/lib/errors";
import type { Actor, UserActor } from "@/lib/auth/actor-types";
import { createFlag } from "@/lib/flags/create-flag";
import { changeFlag } from "@/lib/flags/change-flag";
import { killFlag } from "@/lib/flags/kill-flag";
import { cutRollout } from "@/lib/flags/cut-rollout";
import { revertFlag } from "@/lib/flags/revert-flag";
import { approveFlagVersion } from "@/lib/flags/approve-flag-version";
import { rejectFlagVersion } from "@/lib/flags/reject-flag-version";
import { setEnvironmentKillSwitch } from "@/lib/flags/set-environment-kill-switch";
import { getFlag } from "@/lib/flags/get-flag";
import { listFlags } from "@/lib/flags/list-flags";
import { findFlagsByKeys } from "@/lib/flags/find-flags-by-keys";
import { flagChannel, type FlagStreamMessage } from "@/lib/flags/change-stream";
import { assertNoWeldedOverrides, flagEnvVarName, weldedFlags } from "@/lib/flags/welded";
import type { FlagConfigInput } from "@/lib/flags/schemas";
import { makeProject, makeTenant, memberActor, uniq } from "./fixtures";

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return "OK";
  } catch (err) {
    return (err as AppError).code ?? String(err);
  }
};

const automation: Actor = { kind: "system", label: "rollback-worker" };
const on = (rolloutBps: number): FlagConfigInput => ({ enabled: true, rolloutBps });

let tenant: Awaited<ReturnType<typeof makeTenant>>;
let projectId: string;
let production: { id: string; key: string };
let staging: { id: string; key: string };
let lead: UserActor;
let otherLead: UserActor;
let reviewer: UserActor;
let viewer: UserActor;

beforeAll(async () => {
  tenant = await makeTenant();
  projectId = tenant.project.id;
  production = tenant.project.environments[0]!;
  staging = await db().environment.create({ data: { projectId, key: "staging", name: "Staging", protected: false } });
  [lead, otherLead, reviewer, viewer] = await Promise.all([
    memberActor(projectId, "LEAD"),
    memberActor(projectId, "LEAD"),
    memberActor(projectId, "REVIEWER"),
    memberActor(projectId, "VIEWER"),
  ]);
});
afterAll(async () => {
  await disconnectRedis();
  await disconnectDb();
});

/** A fresh release flag in both environments, at `rolloutBps` in each (set up unprotected, then approved in production). */
async function releaseFlag(rolloutBps = 0) {
  const key = uniq("release");
  const { flags } = await createFlag(lead, projectId, { key, kind: "RELEASE", reason: "new feature" });
  const byEnv = (envId: string) => flags.find((f) => f.environmentId === envId)!;
  if (rolloutBps > 0) {
    await changeFlag(lead, projectId, { flagId: byEnv(staging.id).flagId, config: on(rolloutBps), reason: "ramp" });
    const pending = await changeFlag(lead, projectId, { flagId: byEnv(production.id).flagId, config: on(rolloutBps), reason: "ramp" });
    const version = await db().flagVersion.findUniqueOrThrow({ where: { flagId_version: { flagId: pending.flagId, version: pending.version! } } });
    await approveFlagVersion(otherLead, projectId, version.id);
  }
  return { key, prod: byEnv(production.id).flagId, stage: byEnv(staging.id).flagId };
}

const versionRow = (flagId: string, version: number) => db().flagVersion.findUniqueOrThrow({ where: { flagId_version: { flagId, version } } });
const auditOf = (targetId: string) => db().auditEvent.findMany({ where: { projectId, targetId }, orderBy: { createdAt: "asc" } });

describe("approvals in a protected environment", () => {
  it("holds a widening change for a second lead, then applies it", async () => {
    const { prod } = await releaseFlag();
    const requested = await changeFlag(lead, projectId, { flagId: prod, config: on(1000), reason: "start the ramp", ticketUrl: "https://tracker.example/T-7" });
    expect(requested).toMatchObject({ status: "PENDING_APPROVAL", version: 2, currentVersion: 1, direction: "widening", exposureBps: 1000 });
    expect((await getFlag(lead, projectId, prod)).version).toBe(1);

    const asRequester = await getFlag(lead, projectId, prod);
    expect(asRequester.pending).toMatchObject([{ version: 2, superseded: false, canDecide: false, reason: "start the ramp", ticketUrl: "https://tracker.example/T-7" }]);
    expect((await getFlag(otherLead, projectId, prod)).pending[0]!.canDecide).toBe(true);

    const versionId = asRequester.pending[0]!.id;
    expect(await codeOf(approveFlagVersion(lead, projectId, versionId))).toBe("FORBIDDEN");
    expect(await codeOf(approveFlagVersion(reviewer, projectId, versionId))).toBe("FORBIDDEN");
    expect(await codeOf(approveFlagVersion(automation, projectId, versionId))).toBe("FORBIDDEN");

    const approved = await approveFlagVersion(otherLead, projectId, versionId);
    expect(approved).toMatchObject({ status: "APPLIED", version: 2, currentVersion: 2 });
    const detail = await getFlag(viewer, projectId, prod);
    expect(detail).toMatchObject({ version: 2, state: "partial", exposureBps: 1000, pending: [] });
    expect(await versionRow(prod, 2)).toMatchObject({ status: "APPLIED", approvedById: otherLead.userId, actorId: lead.userId });
    expect(await codeOf(approveFlagVersion(otherLead, projectId, versionId))).toBe("CONFLICT");

    const actions = (await auditOf(prod)).map((e) => [e.action, e.actorId]);
    expect(actions).toEqual([
      ["flag.created", lead.userId],
      ["flag.change_requested", lead.userId],
      ["flag.change_approved", otherLead.userId],
    ]);
  });

  it("applies narrowing at once; a request made before it can then only be rejected", async () => {
    const { prod } = await releaseFlag(1000);
    const raise = await changeFlag(lead, projectId, { flagId: prod, config: on(5000), reason: "ramp further" });
    expect(raise.status).toBe("PENDING_APPROVAL");

    const cut = await cutRollout(reviewer, projectId, { flagKey: (await getFlag(lead, projectId, prod)).key, environmentId: production.id, reason: "harm rising" });
    expect(cut.results).toMatchObject([{ status: "APPLIED", direction: "narrowing", exposureBps: 500 }]);

    const pending = (await getFlag(otherLead, projectId, prod)).pending[0]!;
    expect(pending).toMatchObject({ version: raise.version, superseded: true });
    // Approving it would silently undo the cut.
    expect(await codeOf(approveFlagVersion(otherLead, projectId, pending.id))).toBe("CONFLICT");
    expect((await getFlag(lead, projectId, prod)).config.rolloutBps).toBe(500);

    expect(await codeOf(rejectFlagVersion(lead, projectId, pending.id, { reason: "mine" }))).toBe("FORBIDDEN");
    expect(await rejectFlagVersion(otherLead, projectId, pending.id, { reason: "superseded by the cut" })).toMatchObject({ status: "REJECTED" });
    expect((await versionRow(prod, raise.version!)).status).toBe("REJECTED");
    const rejected = (await auditOf(prod)).find((e) => e.action === "flag.change_rejected")!;
    expect(rejected).toMatchObject({ actorId: otherLead.userId, metadata: expect.objectContaining({ reason: "superseded by the cut" }) });
  });

  it("lets only one of two simultaneous decisions through", async () => {
    const { prod } = await releaseFlag();
    const thirdLead = await memberActor(projectId, "LEAD");
    const pending = await changeFlag(lead, projectId, { flagId: prod, config: on(700), reason: "ramp" });
    const versionId = (await versionRow(prod, pending.version!)).id;
    const codes = await Promise.all([
      codeOf(approveFlagVersion(otherLead, projectId, versionId)),
      codeOf(rejectFlagVersion(thirdLead, projectId, versionId, { reason: "no" })),
      codeOf(approveFlagVersion(thirdLead, projectId, versionId)),
    ]);
    expect(codes.filter((c) => c === "OK")).toHaveLength(1);
    expect(codes.filter((c) => c === "CONFLICT")).toHaveLength(2);
  });

  it("applies widening at once in an unprotected environment", async () => {
    const { stage } = await releaseFlag();
    expect(await changeFlag(lead, projectId, { flagId: stage, config: on(10_000), reason: "go" })).toMatchObject({ status: "APPLIED", currentVersion: 2 });
  });

  it("creates an enabled flag in a protected environment disabled, with the enabling waiting for approval", async () => {
    const key = uniq("born-on");
    const { flags } = await createFlag(lead, projectId, { key, kind: "KILL_SWITCH", reason: "guard the summarizer", config: { enabled: true, rolloutBps: 10_000 } });
    const prod = flags.find((f) => f.environmentId === production.id)!;
    const stage = flags.find((f) => f.environmentId === staging.id)!;
    expect(prod).toMatchObject({ status: "PENDING_APPROVAL", version: 2, currentVersion: 1 });
    expect(stage).toMatchObject({ status: "APPLIED", version: 1, currentVersion: 1 });
    expect((await getFlag(lead, projectId, prod.flagId)).state).toBe("off");
    expect((await getFlag(lead, projectId, stage.flagId)).state).toBe("on");
    // One salt per key across environments, so a user's bucket is the same everywhere.
    const salts = await db().flag.findMany({ where: { projectId, key }, select: { salt: true } });
    expect(new Set(salts.map((s) => s.salt)).size).toBe(1);
    expect(await codeOf(createFlag(lead, projectId, { key, kind: "KILL_SWITCH", reason: "again" }))).toBe("CONFLICT");
  });
});

describe("reviewers and automation only narrow", () => {
  it("lets a reviewer kill from a triage item, everywhere the flag exists, but not widen", async () => {
    const { key, prod, stage } = await releaseFlag(2000);
    const item = await db().triageItem.create({ data: { projectId, requestId: uniq("req"), severity: "SEV2", source: "REPORT", categories: [] } });

    const killed = await killFlag(reviewer, projectId, { flagKey: key, reason: "harmful answers", triageItemId: item.id });
    expect(killed.results.map((r) => [r.flagId, r.status, r.exposureBps]).sort()).toEqual(
      [
        [prod, "APPLIED", 0],
        [stage, "APPLIED", 0],
      ].sort(),
    );
    const version = await versionRow(prod, killed.results.find((r) => r.flagId === prod)!.version!);
    expect(version.reason).toContain(item.id);
    const audit = (await auditOf(prod)).at(-1)!;
    expect(audit).toMatchObject({ action: "flag.changed", actorId: reviewer.userId, metadata: expect.objectContaining({ triageItemId: item.id, mitigation: "kill" }) });
    // Killing what is already killed changes nothing and writes nothing.
    expect((await killFlag(reviewer, projectId, { flagKey: key, reason: "again" })).results.map((r) => r.status)).toEqual(["UNCHANGED", "UNCHANGED"]);

    expect(await codeOf(changeFlag(reviewer, projectId, { flagId: stage, config: on(2000), reason: "undo" }))).toBe("FORBIDDEN");
    expect(await codeOf(revertFlag(reviewer, projectId, { flagId: stage, toVersion: 2, reason: "undo" }))).toBe("FORBIDDEN");
    expect(await codeOf(killFlag(viewer, projectId, { flagKey: key, reason: "x" }))).toBe("FORBIDDEN");
    expect(await codeOf(killFlag(reviewer, projectId, { flagKey: key, reason: "x", triageItemId: "00000000-0000-4000-8000-000000000000" }))).toBe("NOT_FOUND");
  });

  it("lets a reviewer pull the environment kill switch but not lift it", async () => {
    const project = await makeProject(tenant.org.id);
    const env = project.environments[0]!;
    const r = await memberActor(project.id, "REVIEWER");
    const l = await memberActor(project.id, "LEAD");
    expect(await setEnvironmentKillSwitch(r, project.id, { environmentId: env.id, on: true, reason: "incident" })).toMatchObject({ status: "APPLIED", on: true });
    expect(await setEnvironmentKillSwitch(r, project.id, { environmentId: env.id, on: true, reason: "incident" })).toMatchObject({ status: "UNCHANGED" });
    expect(await codeOf(setEnvironmentKillSwitch(r, project.id, { environmentId: env.id, on: false, reason: "over" }))).toBe("FORBIDDEN");
    expect(await codeOf(setEnvironmentKillSwitch(automation, project.id, { environmentId: env.id, on: false, reason: "over" }))).toBe("FORBIDDEN");
    // Production is protected: lifting widens, so a lead's request waits for a second person.
    expect(await setEnvironmentKillSwitch(l, project.id, { environmentId: env.id, on: false, reason: "over" })).toMatchObject({ status: "PENDING_APPROVAL" });
    expect(await setEnvironmentKillSwitch(l, project.id, { environmentId: env.id, on: false, reason: "over" })).toMatchObject({ status: "PENDING_APPROVAL" });
    expect((await db().environment.findUniqueOrThrow({ where: { id: env.id } })).killSwitchOn).toBe(true);
    const l2 = await memberActor(project.id, "LEAD");
    expect(await codeOf(setEnvironmentKillSwitch(r, project.id, { environmentId: env.id, on: false, reason: "approve" }))).toBe("FORBIDDEN");
    expect(await setEnvironmentKillSwitch(l2, project.id, { environmentId: env.id, on: false, reason: "fixed, confirmed" })).toMatchObject({ status: "APPLIED", on: false });
    const after = await db().environment.findUniqueOrThrow({ where: { id: env.id } });
    expect(after).toMatchObject({ killSwitchOn: false, killSwitchOffRequestedById: null });
    const events = await db().auditEvent.findMany({ where: { projectId: project.id, targetId: env.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => [e.action, e.actorId])).toEqual([
      ["environment.kill_switch_on", r.userId],
      ["environment.kill_switch_off_requested", l.userId],
      ["environment.kill_switch_off", l2.userId],
    ]);
  });

  it("turns down a request to lift a protected kill switch when a lead keeps it on", async () => {
    const project = await makeProject(tenant.org.id);
    const env = project.environments[0]!;
    const [l1, l2] = [await memberActor(project.id, "LEAD"), await memberActor(project.id, "LEAD")];
    await setEnvironmentKillSwitch(l1, project.id, { environmentId: env.id, on: true, reason: "incident" });
    expect(await setEnvironmentKillSwitch(l1, project.id, { environmentId: env.id, on: false, reason: "looks fine" })).toMatchObject({ status: "PENDING_APPROVAL" });
    expect(await setEnvironmentKillSwitch(l2, project.id, { environmentId: env.id, on: true, reason: "not yet: still seeing harm" })).toMatchObject({ status: "REJECTED" });
    expect(await db().environment.findUniqueOrThrow({ where: { id: env.id } })).toMatchObject({ killSwitchOn: true, killSwitchOffRequestedById: null });
    // A new request starts over: the one who turned it down may now ask, and the first lead approves.
    expect(await setEnvironmentKillSwitch(l2, project.id, { environmentId: env.id, on: false, reason: "now fixed" })).toMatchObject({ status: "PENDING_APPROVAL" });
    expect(await setEnvironmentKillSwitch(l1, project.id, { environmentId: env.id, on: false, reason: "agreed" })).toMatchObject({ status: "APPLIED" });
  });

  it("lets automation cut at once, even in a protected environment, but never widen", async () => {
    const { key, prod } = await releaseFlag(4000);
    const cut = await cutRollout(automation, projectId, { flagKey: key, environmentId: production.id, reason: "harmful-output rate over threshold" });
    expect(cut.results).toMatchObject([{ status: "APPLIED", exposureBps: 2000 }]);
    expect((await auditOf(prod)).at(-1)).toMatchObject({ actorType: "SYSTEM", actorLabel: "rollback-worker", action: "flag.changed" });
    expect((await versionRow(prod, cut.results[0]!.version!)).actorType).toBe("SYSTEM");

    expect(await codeOf(changeFlag(automation, projectId, { flagId: prod, config: on(4000), reason: "restore" }))).toBe("FORBIDDEN");
    expect(await codeOf(revertFlag(automation, projectId, { flagId: prod, toVersion: 2, reason: "restore" }))).toBe("FORBIDDEN");
    expect(await codeOf(createFlag(automation, projectId, { key: uniq("auto"), kind: "RELEASE", reason: "x" }))).toBe("FORBIDDEN");
    expect(await codeOf(killFlag(automation, "00000000-0000-4000-8000-000000000000", { flagKey: key, reason: "x" }))).toBe("NOT_FOUND");
  });

  it("refuses to cut a kill switch (it has no rollout)", async () => {
    const key = uniq("ks");
    await createFlag(lead, projectId, { key, kind: "KILL_SWITCH", reason: "guard", environmentIds: [staging.id], config: { enabled: true, rolloutBps: 10_000 } });
    expect(await codeOf(cutRollout(reviewer, projectId, { flagKey: key, reason: "x" }))).toBe("CONFLICT");
    expect((await killFlag(reviewer, projectId, { flagKey: key, reason: "x" })).results[0]!.status).toBe("APPLIED");
  });
});

describe("welded flags", () => {
  const welded = weldedFlags[0]!;

  it("cannot be enabled by any change (409), only exist disabled", async () => {
    const project = await makeProject(tenant.org.id);
    const admin = await memberActor(project.id, "ADMIN");
    const env = project.environments[0]!;
    await db().environment.update({ where: { id: env.id }, data: { protected: false } });
    const create = createFlag(admin, project.id, { key: welded.key, kind: "RELEASE", reason: "try", config: on(10_000) });
    await expect(create).rejects.toMatchObject({ code: "CONFLICT", status: 409, message: expect.stringContaining(welded.key) });

    const { flags } = await createFlag(admin, project.id, { key: welded.key, kind: "RELEASE", reason: "placeholder" });
    const flagId = flags[0]!.flagId;
    await expect(changeFlag(admin, project.id, { flagId, config: on(1), reason: "try" })).rejects.toMatchObject({ code: "CONFLICT", status: 409 });
    expect((await getFlag(admin, project.id, flagId)).weldedReason).toBe(welded.reason);
    expect(await db().flagVersion.count({ where: { flagId } })).toBe(1);
  });

  it("cannot be enabled by an environment variable: start-up check names it", () => {
    expect(() => assertNoWeldedOverrides({ ...process.env, [flagEnvVarName(welded.key)]: "on" })).toThrow(welded.key);
    expect(() => assertNoWeldedOverrides(process.env)).not.toThrow();
  });
});

describe("version history and revert", () => {
  it("keeps every version and reverts by adding one", async () => {
    const { stage } = await releaseFlag();
    await changeFlag(lead, projectId, { flagId: stage, config: on(1000), reason: "1 %… 10 %" });
    await changeFlag(lead, projectId, { flagId: stage, config: on(5000), reason: "half" });
    await killFlag(reviewer, projectId, { flagKey: (await getFlag(lead, projectId, stage)).key, environmentId: staging.id, reason: "incident" });

    expect(await codeOf(changeFlag(lead, projectId, { flagId: stage, config: on(100), reason: "stale tab", expectedVersion: 2 }))).toBe("CONFLICT");
    const reverted = await revertFlag(lead, projectId, { flagId: stage, toVersion: 3, reason: "incident over", expectedVersion: 4 });
    expect(reverted).toMatchObject({ status: "APPLIED", version: 5, currentVersion: 5, direction: "widening", exposureBps: 5000 });

    const detail = await getFlag(viewer, projectId, stage);
    expect(detail.history.map((v) => [v.version, v.status, v.exposureBps, v.current])).toEqual([
      [5, "APPLIED", 5000, true],
      [4, "APPLIED", 0, false],
      [3, "APPLIED", 5000, false],
      [2, "APPLIED", 1000, false],
      [1, "APPLIED", 0, false],
    ]);
    expect(detail.history[0]!.diff).toMatchObject({ baseVersion: 4, revertOf: 3, direction: "widening" });
    expect(detail.history[0]!.config).toEqual(detail.history[2]!.config);
    expect(detail.history[1]!.actor).toMatchObject({ type: "USER", id: reviewer.userId });
    expect((await auditOf(stage)).at(-1)).toMatchObject({ action: "flag.reverted", metadata: expect.objectContaining({ revertOf: 3 }) });

    expect(await codeOf(revertFlag(lead, projectId, { flagId: stage, toVersion: 99, reason: "x" }))).toBe("NOT_FOUND");
  });

  it("restores only versions that were applied", async () => {
    const { prod } = await releaseFlag();
    const pending = await changeFlag(lead, projectId, { flagId: prod, config: on(10_000), reason: "all in" });
    expect(await codeOf(revertFlag(otherLead, projectId, { flagId: prod, toVersion: pending.version!, reason: "sneak" }))).toBe("CONFLICT");
  });
});

describe("tenant isolation", () => {
  it("answers NOT_FOUND for another project's flags, versions and environments", async () => {
    const { key, prod } = await releaseFlag();
    const pending = await changeFlag(lead, projectId, { flagId: prod, config: on(100), reason: "x" });
    const versionId = (await versionRow(prod, pending.version!)).id;
    const other = await makeProject(tenant.org.id);
    const adminB = await memberActor(other.id, "ADMIN");
    const reviewerB = await memberActor(other.id, "REVIEWER");

    expect(await codeOf(getFlag(adminB, projectId, prod))).toBe("NOT_FOUND");
    expect(await codeOf(listFlags(adminB, projectId))).toBe("NOT_FOUND");
    expect(await codeOf(getFlag(adminB, other.id, prod))).toBe("NOT_FOUND");
    expect(await codeOf(changeFlag(adminB, other.id, { flagId: prod, config: on(0), reason: "x" }))).toBe("NOT_FOUND");
    expect(await codeOf(revertFlag(adminB, other.id, { flagId: prod, toVersion: 1, reason: "x" }))).toBe("NOT_FOUND");
    expect(await codeOf(killFlag(reviewerB, other.id, { flagKey: key, reason: "x" }))).toBe("NOT_FOUND");
    expect(await codeOf(killFlag(reviewerB, other.id, { flagKey: key, environmentId: production.id, reason: "x" }))).toBe("NOT_FOUND");
    expect(await codeOf(approveFlagVersion(adminB, other.id, versionId))).toBe("NOT_FOUND");
    expect(await codeOf(rejectFlagVersion(adminB, other.id, versionId, { reason: "x" }))).toBe("NOT_FOUND");
    expect(await codeOf(findFlagsByKeys(adminB, other.id, production.id, [key]))).toBe("NOT_FOUND");
    expect(await codeOf(setEnvironmentKillSwitch(adminB, other.id, { environmentId: production.id, on: true, reason: "x" }))).toBe("NOT_FOUND");
    expect(await codeOf(getFlag(adminB, other.id, "not-a-uuid"))).toBe("NOT_FOUND");
    expect(await codeOf(approveFlagVersion(adminB, other.id, "not-a-uuid"))).toBe("NOT_FOUND");
    // Nothing of project A changed.
    expect((await getFlag(lead, projectId, prod)).pending).toHaveLength(1);
    expect((await db().environment.findUniqueOrThrow({ where: { id: production.id } })).killSwitchOn).toBe(false);
  });
});

describe("change stream", () => {
  it("announces changes, requests, decisions and the kill switch on the project's channel, after commit", async () => {
    const project = await makeProject(tenant.org.id);
    const env = project.environments[0]!;
    const l1 = await memberActor(project.id, "LEAD");
    const l2 = await memberActor(project.id, "LEAD");
    const subscriber = createRedis();
    const received: FlagStreamMessage[] = [];
    const unrelated: string[] = [];
    try {
      subscriber.on("message", (channel: string, raw: string) => {
        if (channel === flagChannel(project.id)) received.push(JSON.parse(raw) as FlagStreamMessage);
        else unrelated.push(channel);
      });
      await subscriber.subscribe(flagChannel(project.id));

      const { flags } = await createFlag(l1, project.id, { key: "summaries", kind: "RELEASE", reason: "new" });
      const flagId = flags[0]!.flagId;
      const pending = await changeFlag(l1, project.id, { flagId, config: on(2500), reason: "ramp" });
      await approveFlagVersion(l2, project.id, (await versionRow(flagId, pending.version!)).id);
      await setEnvironmentKillSwitch(l1, project.id, { environmentId: env.id, on: true, reason: "incident" });
      // Another project's change is not on this channel.
      await releaseFlag();

      await expect.poll(() => received.length, { timeout: 5000 }).toBe(4);
      expect(received.map((m) => m.type)).toEqual(["flag.created", "flag.change_requested", "flag.change_approved", "environment.kill_switch"]);
      expect(received[1]).toMatchObject({ v: 1, projectId: project.id, environmentId: env.id, flagKey: "summaries", version: 2, status: "PENDING_APPROVAL", currentVersion: 1, direction: "widening", exposureBps: 2500 });
      expect(received[1]).not.toHaveProperty("flag");
      expect(received[2]).toMatchObject({
        status: "APPLIED",
        currentVersion: 2,
        actor: { type: "USER", id: l2.userId },
        flag: { key: "summaries", kind: "RELEASE", version: 2, config: { enabled: true, rolloutBps: 2500 } },
      });
      expect(received[3]).toMatchObject({ type: "environment.kill_switch", on: true, environmentKey: env.key, reason: "incident" });
      expect(unrelated).toEqual([]);
    } finally {
      subscriber.disconnect();
    }
  });

  it("still applies the change when publishing fails", async () => {
    const { stage } = await releaseFlag();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      // The shared connection, closed for good: every command on it now fails.
      redis().disconnect();
      const result = await changeFlag(lead, projectId, { flagId: stage, config: on(100), reason: "during a Redis outage" });
      expect(result).toMatchObject({ status: "APPLIED", currentVersion: 2 });
      expect((await getFlag(lead, projectId, stage)).config.rolloutBps).toBe(100);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining("change stream publish failed"));
    } finally {
      warn.mockRestore();
      await disconnectRedis();
    }
  });
});

describe("listing and lookup", () => {
  it("searches and filters by kind, state, pending approval and staleness", async () => {
    const project = await makeProject(tenant.org.id);
    const env = project.environments[0]!;
    await db().environment.update({ where: { id: env.id }, data: { protected: false } });
    const admin = await memberActor(project.id, "ADMIN");
    const v = await memberActor(project.id, "VIEWER");
    const create = (key: string, extra: Record<string, unknown> = {}) => createFlag(admin, project.id, { key, kind: "RELEASE", reason: "x", ...extra });
    await create("checkout-summary", { description: "Summaries in the checkout", config: on(10_000) });
    await create("old-experiment", { expiresAt: new Date(Date.now() - 86_400_000), config: on(500) });
    await create("half-way", { config: on(5000) });
    await create("model-tier", {
      kind: "MULTIVARIATE",
      config: { enabled: false, rolloutBps: 0, variants: { small: "mini", large: "4.1" }, defaultVariant: "large", fallbackVariant: "small" },
    });
    const { flags } = await create("long-done", { config: on(10_000) });
    // Applied 31 days ago and untouched since.
    await db().flagVersion.updateMany({ where: { flagId: flags[0]!.flagId }, data: { createdAt: new Date(Date.now() - 31 * 86_400_000) } });

    const keys = async (filters: Parameters<typeof listFlags>[2]) => (await listFlags(v, project.id, filters)).map((f) => f.key);
    expect(await keys({})).toEqual(["checkout-summary", "half-way", "long-done", "model-tier", "old-experiment"]);
    expect(await keys({ q: "CHECKOUT" })).toEqual(["checkout-summary"]);
    expect(await keys({ q: "summaries in" })).toEqual(["checkout-summary"]);
    expect(await keys({ q: "%" })).toEqual([]);
    expect(await keys({ kind: "MULTIVARIATE" })).toEqual(["model-tier"]);
    expect(await keys({ state: "on" })).toEqual(["checkout-summary", "long-done"]);
    expect(await keys({ state: "off" })).toEqual(["model-tier"]);
    expect(await keys({ state: "partial" })).toEqual(["half-way", "old-experiment"]);
    expect((await listFlags(v, project.id, { stale: true })).map((f) => [f.key, f.stale])).toEqual([
      ["long-done", "fully_rolled_out"],
      ["old-experiment", "expired"],
    ]);

    await db().environment.update({ where: { id: env.id }, data: { protected: true } });
    await changeFlag(admin, project.id, { flagId: flags[0]!.flagId, config: { ...on(10_000), rules: [{ id: "vip", conditions: [{ attribute: "segment", op: "in", values: ["vip"] }], variant: "on" }] }, reason: "x" });
    expect(await keys({ pending: true })).toEqual(["long-done"]);
  });

  it("finds the flags a triage item was evaluated with, in the item's environment", async () => {
    const a = await releaseFlag(3000);
    const b = await releaseFlag();
    const found = await findFlagsByKeys(reviewer, projectId, production.id, [b.key, "no-such-flag", "NOT A KEY", a.key, b.key]);
    expect(found.environment).toMatchObject({ id: production.id, protected: true, killSwitchOn: false });
    expect(found.flags.map((f) => [f.key, f.id, f.state, f.exposureBps])).toEqual([
      [b.key, b.prod, "off", 0],
      [a.key, a.prod, "partial", 3000],
    ]);
    expect(found.may).toEqual({ narrow: true, widen: false, approve: false });
    expect((await findFlagsByKeys(viewer, projectId, production.id, [a.key])).may).toEqual({ narrow: false, widen: false, approve: false });
  });
});
