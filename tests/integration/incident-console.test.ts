// The incident list of the console: filtered by status and severity, newest
// first, paged both ways by number, counting the active incidents, scoped to
// the project the actor may see; and its header's response times, the same
// as getIncidentMetrics gives while the latest incidents cover the period.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import type { AppError } from "@/lib/errors";
import type { UserActor } from "@/lib/auth/actor-types";
import { browseIncidents } from "@/lib/incidents/browse-incidents";
import { getIncidentMetrics } from "@/lib/incidents/get-incident-metrics";
import { getRecentIncidentMetrics } from "@/lib/incidents/get-recent-incident-metrics";
import type { IncidentStatus } from "@/lib/incidents/status";
import { makeTenant, memberActor } from "./fixtures";

let projectId: string;
let viewer: UserActor;

const statuses: IncidentStatus[] = ["OPEN", "ACKNOWLEDGED", "MITIGATED", "RESOLVED"];
const severityOf = (n: number) => (n % 3 === 0 ? "SEV1" : "SEV3");
const statusOf = (n: number): IncidentStatus => statuses[n % 4]!;

beforeAll(async () => {
  const { project } = await makeTenant();
  projectId = project.id;
  viewer = await memberActor(projectId, "VIEWER");
  const t0 = Date.now() - 3_600_000;
  // Incidents 1…23: status cycles through the four, every third is SEV1.
  await db().incident.createMany({
    data: Array.from({ length: 23 }, (_, k) => {
      const n = k + 1;
      const status = statusOf(n);
      const at = (min: number) => new Date(t0 + n * 60_000 + min * 60_000);
      return {
        projectId,
        number: n,
        title: `incident ${n}`,
        severity: severityOf(n),
        status,
        source: "MANUAL" as const,
        detectedAt: at(0),
        acknowledgedAt: status === "OPEN" ? null : at(2),
        mitigatedAt: status === "MITIGATED" || status === "RESOLVED" ? at(5) : null,
        resolvedAt: status === "RESOLVED" ? at(30) : null,
      };
    }),
  });
  // Another project's incidents never show.
  const other = await makeTenant();
  await db().incident.create({
    data: {
      projectId: other.project.id,
      number: 24,
      title: "elsewhere",
      severity: "SEV1",
      status: "OPEN",
      source: "MANUAL",
    },
  });
});
afterAll(async () => {
  await disconnectDb();
});

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return "OK";
  } catch (err) {
    return (err as AppError).code ?? (err as Error).name;
  }
};

const numbers = (page: { incidents: { number: number }[] }) => page.incidents.map((i) => i.number);

describe("the incident list", () => {
  it("pages newest first and back again by number", async () => {
    const first = await browseIncidents(viewer, projectId, { limit: 10 });
    expect(numbers(first)).toEqual([23, 22, 21, 20, 19, 18, 17, 16, 15, 14]);
    expect(first).toMatchObject({ newer: null, older: 14 });
    expect(first.incidents[0]).toMatchObject({
      title: "incident 23",
      status: "RESOLVED",
      flag: null,
      durations: { ttaMs: 120_000, ttmMs: 300_000, ttrMs: 1_800_000 },
    });

    const second = await browseIncidents(viewer, projectId, { limit: 10, before: first.older! });
    expect(numbers(second)).toEqual([13, 12, 11, 10, 9, 8, 7, 6, 5, 4]);
    expect(second).toMatchObject({ newer: 13, older: 4 });

    const last = await browseIncidents(viewer, projectId, { limit: 10, before: second.older! });
    expect(numbers(last)).toEqual([3, 2, 1]);
    expect(last).toMatchObject({ newer: 3, older: null });

    const back = await browseIncidents(viewer, projectId, { limit: 10, after: second.newer! });
    expect(numbers(back)).toEqual(numbers(first));
    expect(back).toMatchObject({ newer: null, older: 14 });
    const middle = await browseIncidents(viewer, projectId, { limit: 10, after: last.newer! });
    expect(numbers(middle)).toEqual(numbers(second));
    expect(middle).toMatchObject({ newer: 13, older: 4 });
  });

  it("filters by status and severity together, paging within the filter", async () => {
    const resolvedSev1 = await browseIncidents(viewer, projectId, { status: "RESOLVED", severity: "SEV1" });
    const expected = Array.from({ length: 23 }, (_, k) => 23 - k).filter(
      (n) => statusOf(n) === "RESOLVED" && severityOf(n) === "SEV1",
    );
    expect(numbers(resolvedSev1)).toEqual(expected);
    // No impact start was given, so resolution is timed from detection.
    expect(resolvedSev1.incidents.every((i) => i.durations.ttrMs === 30 * 60_000)).toBe(true);

    const open = await browseIncidents(viewer, projectId, { status: "OPEN", limit: 2 });
    expect(numbers(open)).toEqual([20, 16]);
    const openNext = await browseIncidents(viewer, projectId, { status: "OPEN", limit: 2, before: open.older! });
    expect(numbers(openNext)).toEqual([12, 8]);
    expect(openNext.newer).toBe(12);

    expect(numbers(await browseIncidents(viewer, projectId, { severity: "SEV2" }))).toEqual([]);
  });

  it("counts the active incidents per status, whatever the filter", async () => {
    const page = await browseIncidents(viewer, projectId, { status: "RESOLVED", limit: 1 });
    expect(page.active).toEqual({ OPEN: 5, ACKNOWLEDGED: 6, MITIGATED: 6 });
  });

  it("is only for members of the project, and refuses nonsense input", async () => {
    const outsider = await memberActor((await makeTenant()).project.id, "ADMIN");
    expect(await codeOf(browseIncidents(outsider, projectId))).toBe("NOT_FOUND");
    expect(await codeOf(browseIncidents(viewer, "not-a-uuid"))).toBe("NOT_FOUND");
    expect(await codeOf(browseIncidents(viewer, projectId, { before: 5, after: 2 }))).toBe("ZodError");
    expect(await codeOf(browseIncidents(viewer, projectId, { limit: 1000 }))).toBe("ZodError");
  });
});

describe("the list's response times", () => {
  it("are getIncidentMetrics' median, p90 and mean while the latest incidents cover the period", async () => {
    const { project } = await makeTenant();
    const v = await memberActor(project.id, "VIEWER");
    const t0 = Date.now() - 86_400_000;
    // Uneven times, some steps not reached, an impact start known for some, an
    // acknowledgement recorded before detection (counted as zero).
    await db().incident.createMany({
      data: Array.from({ length: 41 }, (_, k) => {
        const detected = t0 + k * 600_000;
        const at = (ms: number) => new Date(detected + ms);
        return {
          projectId: project.id,
          number: k + 1,
          title: `i${k}`,
          severity: "SEV2" as const,
          source: "MANUAL" as const,
          impactStartedAt: k % 3 === 0 ? at(-((k * 7919) % 300_000)) : null,
          detectedAt: at(0),
          acknowledgedAt: k % 5 === 4 ? null : at(k === 7 ? -5_000 : (k * 104_729) % 900_000),
          mitigatedAt: k % 4 === 3 ? null : at((k * k * 1_009) % 2_000_000),
          resolvedAt: k % 2 ? null : at(3_000_000 + ((k * 15_485_863) % 9_000_000)),
        };
      }),
    });
    const recent = await getRecentIncidentMetrics(v, project.id);
    const all = await getIncidentMetrics(v, project.id);
    expect(recent).toMatchObject({ incidents: 41, capped: false });
    for (const step of ["ttd", "tta", "ttm", "ttr"] as const) {
      expect(recent[step].count, step).toBe(all[step].count);
      for (const f of ["medianMs", "p90Ms", "meanMs"] as const)
        expect(recent[step][f], `${step} ${f}`).toBeCloseTo(all[step][f]!, 6);
    }
    expect(recent.tta.count).toBe(33);
  });

  it("read only the latest incidents, and say when that cuts the period short", async () => {
    const capped = await getRecentIncidentMetrics(viewer, projectId, {}, 5);
    expect(capped).toMatchObject({ incidents: 5, capped: true });
    // Incidents 19…23: one open, the others acknowledged after 2 minutes.
    expect(capped.tta).toMatchObject({ count: 4, medianMs: 120_000 });

    // Older than the period: not counted, and the cap did not cut anything short.
    const since = new Date(Date.now() - 3_600_000 + 20.5 * 60_000);
    const period = await getRecentIncidentMetrics(viewer, projectId, { since }, 5);
    expect(period).toMatchObject({ incidents: 3, capped: false });
    expect(
      await codeOf(getRecentIncidentMetrics(await memberActor((await makeTenant()).project.id, "VIEWER"), projectId)),
    ).toBe("NOT_FOUND");
  });
});
