// The export history of a project for the exports page, newest first, with
// what the page needs to show progress and an ETA.
import "server-only";
import { db } from "@/lib/db";
import { requirePermission } from "@/lib/auth/access";
import type { Actor } from "@/lib/auth/actor-types";
import { exportFilterSchema, type ExportFilter, type ExportFormat } from "@/lib/exports/schemas";

export type ExportSummary = {
  id: string;
  format: ExportFormat;
  schemaVersion: number;
  filter: ExportFilter;
  includePii: boolean;
  status: "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED";
  totalRows: number | null;
  scannedRows: number;
  rowCount: number;
  bytes: number | null;
  sha256: string | null;
  error: string | null;
  skipped: number;
  requestedBy: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
};

export async function listExports(actor: Actor, projectId: string, limit = 50): Promise<ExportSummary[]> {
  await requirePermission(actor, projectId, "export:read");
  const rows = await db().export.findMany({
    where: { projectId },
    orderBy: { createdAt: "desc" },
    take: limit,
    include: { requestedBy: { select: { name: true, email: true } } },
  });
  return rows.map((r) => {
    const skipped = (r.manifest as { skipped?: Record<string, { count?: number }> } | null)?.skipped ?? {};
    return {
      id: r.id,
      format: r.format as ExportFormat,
      schemaVersion: r.schemaVersion,
      filter: exportFilterSchema.safeParse(r.filter).data ?? { agreement: "any" },
      includePii: r.includePii,
      status: r.status,
      totalRows: r.totalRows,
      scannedRows: r.scannedRows,
      rowCount: r.rowCount,
      bytes: r.bytes === null ? null : Number(r.bytes),
      sha256: r.sha256,
      error: r.error,
      skipped: Object.values(skipped).reduce((a, s) => a + (s.count ?? 0), 0),
      requestedBy: r.requestedBy.name || r.requestedBy.email,
      createdAt: r.createdAt,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
    };
  });
}
