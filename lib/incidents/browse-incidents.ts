// A page of a project's incidents for the console (viewer+): filtered by
// status and severity, newest first, keyset-paginated on the per-project
// number, so the unique (projectId, number) index serves every page and the
// millionth incident costs what the first does. Also how many incidents are
// still active, per status (the (projectId, status) index answers that).
import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client.ts";
import type { Actor } from "@/lib/auth/actor-types";
import { severities } from "@/lib/triage/severity";
import { requireIncidentPermission } from "@/lib/incidents/incident-access";
import { incidentStatuses, type IncidentStatus } from "@/lib/incidents/status";
import { incidentDurations, type Durations } from "@/lib/incidents/stats";
import { incidentSummarySelect, type IncidentSummary } from "@/lib/incidents/timeline";

export const browseIncidentsSchema = z
  .object({
    status: z.enum(incidentStatuses).optional(),
    severity: z.enum(severities).optional(),
    /** Older page: incidents numbered below this. */
    before: z.number().int().min(1).optional(),
    /** Newer page: incidents numbered above this. */
    after: z.number().int().min(0).optional(),
    limit: z.number().int().min(1).max(100).default(25),
  })
  .refine((i) => i.before === undefined || i.after === undefined, {
    message: "Page either before or after a number, not both",
    path: ["after"],
  });
export type BrowseIncidentsInput = z.input<typeof browseIncidentsSchema>;

export const activeIncidentStatuses = [
  "OPEN",
  "ACKNOWLEDGED",
  "MITIGATED",
] as const satisfies readonly IncidentStatus[];

export type IncidentListRow = IncidentSummary & {
  durations: Durations;
  flag: { id: string; key: string; environmentKey: string } | null;
};

export type IncidentPage = {
  incidents: IncidentListRow[];
  /** Pass as `after` for the newer page; null on the newest. */
  newer: number | null;
  /** Pass as `before` for the older page; null on the oldest. */
  older: number | null;
  active: Record<(typeof activeIncidentStatuses)[number], number>;
};

export async function browseIncidents(
  actor: Actor,
  projectId: string,
  input: BrowseIncidentsInput = {},
): Promise<IncidentPage> {
  await requireIncidentPermission(actor, projectId, "incident:read");
  const data = browseIncidentsSchema.parse(input);
  const where: Prisma.IncidentWhereInput = {
    projectId,
    ...(data.status ? { status: data.status } : {}),
    ...(data.severity ? { severity: data.severity } : {}),
  };
  const forward = data.after !== undefined;
  const [rows, counts] = await Promise.all([
    db().incident.findMany({
      where: {
        ...where,
        ...(forward ? { number: { gt: data.after } } : data.before ? { number: { lt: data.before } } : {}),
      },
      orderBy: { number: forward ? "asc" : "desc" },
      take: data.limit + 1,
      select: {
        ...incidentSummarySelect,
        flag: { select: { id: true, key: true, environment: { select: { key: true } } } },
      },
    }),
    db().incident.groupBy({
      by: ["status"],
      where: { projectId, status: { in: [...activeIncidentStatuses] } },
      _count: { _all: true },
    }),
  ]);
  const more = rows.length > data.limit;
  const page = rows.slice(0, data.limit);
  if (forward) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  const exists = async (number: Prisma.IntFilter) =>
    (await db().incident.findFirst({ where: { ...where, number }, select: { id: true } })) !== null;

  let newer: number | null = null;
  let older: number | null = null;
  if (first && last) {
    if (forward) {
      newer = more ? first.number : null;
      older = (await exists({ lt: last.number })) ? last.number : null;
    } else {
      older = more ? last.number : null;
      newer = data.before !== undefined && (await exists({ gt: first.number })) ? first.number : null;
    }
  }

  const active = { OPEN: 0, ACKNOWLEDGED: 0, MITIGATED: 0 };
  for (const c of counts) if (c.status !== "RESOLVED") active[c.status] = c._count._all;

  return {
    incidents: page.map(({ flag, ...i }) => ({
      ...(i as IncidentSummary),
      durations: incidentDurations(i),
      flag: flag ? { id: flag.id, key: flag.key, environmentKey: flag.environment.key } : null,
    })),
    newer,
    older,
    active,
  };
}
