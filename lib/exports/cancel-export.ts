// Cancels a queued or running export. The worker notices at its next
// progress report and deletes its partial file; the partial file is removed
// here too, in case the worker that wrote it has died. A cancelled export is
// never offered for download.
import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import { requirePermission } from "@/lib/auth/access";
import { recordAudit } from "@/lib/audit/record";
import type { Actor } from "@/lib/auth/actor-types";
import { AppError, notFound } from "@/lib/errors";
import { removeExportFiles } from "@/lib/exports/export-files";
import type { ExportFormat } from "@/lib/exports/schemas";

export async function cancelExport(actor: Actor, projectId: string, exportId: string): Promise<void> {
  const access = await requirePermission(actor, projectId, "export:create");
  if (!z.uuid().safeParse(exportId).success) throw notFound("Export not found");
  const prisma = db();
  const exp = await prisma.export.findFirst({
    where: { id: exportId, projectId },
    select: { id: true, status: true, format: true, rowCount: true },
  });
  if (!exp) throw notFound("Export not found");
  const cancelled = await prisma.$transaction(async (tx) => {
    const updated = await tx.export.updateMany({
      where: { id: exportId, projectId, status: { in: ["QUEUED", "RUNNING"] } },
      data: { status: "CANCELLED", finishedAt: new Date() },
    });
    if (updated.count === 0) return false;
    await recordAudit(tx, {
      actor,
      action: "export.cancelled",
      orgId: access.project.orgId,
      projectId,
      targetType: "export",
      targetId: exportId,
      before: { status: exp.status, rowCount: exp.rowCount },
      after: { status: "CANCELLED" },
    });
    return true;
  });
  if (!cancelled) throw new AppError("CONFLICT", "This export has already finished; there is nothing to cancel.");
  await removeExportFiles(exportId, exp.format as ExportFormat);
}
