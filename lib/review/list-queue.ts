// The reviewer queue: open items of one project (any item, searching by
// request id), most urgent first — by the
// next SLA deadline (first triage until someone has triaged the item, then
// resolution), then priority — with filters, keyset pagination and counts per
// status.
//
// The ORDER BY below is written to match, expression for expression, the
// partial expression index "TriageItem_open_urgency_idx" (raw SQL in its
// migration: Prisma's schema language cannot express it, and its drift check
// ignores it): a page is then one index range scan whatever the queue's
// length, instead of a sort of every open item (100,000 open items: ~0.3 ms
// instead of ~200 ms). Change one, change the other.
import "server-only";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client.ts";
import { requirePermission } from "@/lib/auth/access";
import type { Actor } from "@/lib/auth/actor-types";
import {
  QUEUE_PAGE_SIZE,
  decodeCursor,
  encodeCursor,
  nextDeadline,
  openStatuses,
  queueFiltersSchema,
  type OpenStatus,
  type QueueCursor,
  type QueueFilters,
} from "@/lib/review/queue-schemas";

export type QueueRow = {
  id: string;
  requestId: string;
  /** Open, except when searching by request id, which also finds closed items. */
  status: OpenStatus | "RESOLVED" | "DISMISSED";
  severity: "SEV1" | "SEV2" | "SEV3" | "SEV4";
  source: "CLASSIFIER" | "REPORT" | "BOTH" | "SAMPLE" | "GATE";
  categories: string[];
  reportCount: number;
  isSample: boolean;
  priority: number;
  createdAt: Date;
  pausedAt: Date | null;
  pausedMs: bigint;
  firstTriageDueAt: Date | null;
  firstTriagedAt: Date | null;
  resolutionDueAt: Date | null;
  /** Null until the interaction itself has arrived (a report can come first). */
  model: { provider: string; id: string; version: string | null } | null;
  flagKeys: string[];
};

export type QueuePage = {
  rows: QueueRow[];
  /** Cursor for the next page (rows after the last one), or null on the last page. */
  next: string | null;
  /** Cursor for the previous page (rows before the first one), or null on the first page. */
  prev: string | null;
  counts: Record<OpenStatus, number>;
  /** When the page was read: the clock SLA countdowns start from. */
  asOf: Date;
};

type RawRow = Omit<QueueRow, "model"> & { modelProvider: string | null; modelId: string | null; modelVersion: string | null };

// Literals, not parameters: the planner proves the partial index's predicate from them.
const OPEN_SQL = Prisma.raw(openStatuses.map((s) => `'${s}'`).join(", "));
const URGENCY = Prisma.sql`COALESCE(LEAST(CASE WHEN t."firstTriagedAt" IS NULL THEN t."firstTriageDueAt" END, t."resolutionDueAt"), 'infinity'::timestamp)`;

function cursorOf(row: QueueRow): QueueCursor {
  return { due: nextDeadline(row)?.dueAt.toISOString() ?? "inf", priority: row.priority, id: row.id };
}

function filterSql(f: QueueFilters): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  if (f.status) where.push(Prisma.sql`t.status = ${f.status}::"TriageStatus"`);
  if (f.severity) where.push(Prisma.sql`t.severity = ${f.severity}::"Severity"`);
  if (f.source) where.push(Prisma.sql`t.source = ${f.source}::"TriageSource"`);
  if (f.category) where.push(Prisma.sql`t.categories @> ARRAY[${f.category}]::text[]`);
  if (f.minReports) where.push(Prisma.sql`t."reportCount" >= ${f.minReports}`);
  if (f.q) where.push(Prisma.sql`t."requestId" = ${f.q}`);
  if (f.modelVersion) where.push(Prisma.sql`i."modelVersion" = ${f.modelVersion}`);
  if (f.flag) where.push(Prisma.sql`i."flagState" ? ${f.flag}`);
  return where;
}

export async function listQueue(
  actor: Actor,
  projectId: string,
  input: { filters?: unknown; after?: string | null; before?: string | null } = {},
): Promise<QueuePage> {
  await requirePermission(actor, projectId, "queue:read");
  const filters = queueFiltersSchema.parse(input.filters ?? {});
  const after = decodeCursor(input.after);
  const before = after ? null : decodeCursor(input.before);
  const backwards = before !== null;
  const cursor = after ?? before;

  // A request id names one item: found whatever its state, so a reviewer can
  // look up what became of a request from a support ticket.
  const scope = filters.q ? [] : [Prisma.sql`t.status IN (${OPEN_SQL})`];
  const where = [Prisma.sql`t."projectId" = ${projectId}::uuid`, ...scope, ...filterSql(filters)];
  if (cursor) {
    const key = Prisma.sql`(${URGENCY}, (-t.priority), t.id)`;
    const at = Prisma.sql`(${cursor.due === "inf" ? "infinity" : cursor.due}::timestamp, ${-cursor.priority}::int, ${cursor.id}::uuid)`;
    where.push(backwards ? Prisma.sql`${key} < ${at}` : Prisma.sql`${key} > ${at}`);
  }
  const dir = Prisma.raw(backwards ? "DESC" : "ASC");

  const asOf = new Date();
  const [raw, counts] = await Promise.all([
    db().$queryRaw<RawRow[]>`
      SELECT t.id::text AS id, t."requestId", t.status::text AS status, t.severity::text AS severity, t.source::text AS source,
             t.categories, t."reportCount", t."isSample", t.priority, t."createdAt", t."pausedAt", t."pausedMs",
             t."firstTriageDueAt", t."firstTriagedAt", t."resolutionDueAt",
             i."modelProvider", i."modelId", i."modelVersion",
             CASE WHEN jsonb_typeof(i."flagState") = 'object'
                  THEN ARRAY(SELECT jsonb_object_keys(i."flagState") ORDER BY 1) ELSE '{}'::text[] END AS "flagKeys"
      FROM "TriageItem" t
      LEFT JOIN "Interaction" i ON i."projectId" = t."projectId" AND i."requestId" = t."requestId"
      WHERE ${Prisma.join(where, " AND ")}
      ORDER BY ${URGENCY} ${dir}, (-t.priority) ${dir}, t.id ${dir}
      LIMIT ${QUEUE_PAGE_SIZE + 1}`,
    countByStatus(projectId),
  ]);

  const more = raw.length > QUEUE_PAGE_SIZE;
  const page = raw.slice(0, QUEUE_PAGE_SIZE).map(toRow);
  if (backwards) page.reverse();
  const first = page[0];
  const last = page.at(-1);
  return {
    rows: page,
    next: last && (backwards || more) ? encodeCursor(cursorOf(last)) : null,
    prev: first && (after !== null || (backwards && more)) ? encodeCursor(cursorOf(first)) : null,
    counts,
    asOf,
  };
}

function toRow({ modelProvider, modelId, modelVersion, ...r }: RawRow): QueueRow {
  return { ...r, model: modelId ? { provider: modelProvider ?? "", id: modelId, version: modelVersion } : null };
}

async function countByStatus(projectId: string): Promise<Record<OpenStatus, number>> {
  const rows = await db().$queryRaw<{ status: OpenStatus; n: number }[]>`
    SELECT status::text AS status, count(*)::int AS n FROM "TriageItem"
    WHERE "projectId" = ${projectId}::uuid AND status IN (${OPEN_SQL})
    GROUP BY status`;
  const counts = Object.fromEntries(openStatuses.map((s) => [s, 0])) as Record<OpenStatus, number>;
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}
