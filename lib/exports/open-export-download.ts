// Opens a finished export (or its manifest) for download: export:read in the
// project, export:pii as well when the file holds personal data, and an
// audit event before a byte leaves. Only a SUCCEEDED export whose file is
// still on disk is offered; anything else is "not found".
import "server-only";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import { z } from "zod";
import { db } from "@/lib/db";
import { requirePermission } from "@/lib/auth/access";
import { can } from "@/lib/auth/permissions";
import { recordAudit } from "@/lib/audit/record";
import type { Actor } from "@/lib/auth/actor-types";
import { forbidden, notFound } from "@/lib/errors";
import { downloadName, exportPaths } from "@/lib/exports/export-files";
import { formatInfo, type ExportFormat } from "@/lib/exports/schemas";

export type ExportDownload = {
  stream: Readable;
  size: number;
  fileName: string;
  contentType: string;
  sha256: string | null;
};

export async function openExportDownload(
  actor: Actor,
  projectId: string,
  exportId: string,
  part: "file" | "manifest" = "file",
): Promise<ExportDownload> {
  const access = await requirePermission(actor, projectId, "export:read");
  if (!z.uuid().safeParse(exportId).success) throw notFound("Export not found");
  const exp = await db().export.findFirst({
    where: { id: exportId, projectId, status: "SUCCEEDED", filePath: { not: null } },
    select: { id: true, format: true, includePii: true, sha256: true, createdAt: true },
  });
  if (!exp) throw notFound("Export not found");
  if (exp.includePii && !can(access.role, "export:pii"))
    throw forbidden("This export holds personal data: downloading it needs the export:pii permission");

  const format = exp.format as ExportFormat;
  const paths = exportPaths(exp.id, format);
  const path = part === "manifest" ? paths.manifest : paths.file;
  const size = await stat(path).then(
    (s) => s.size,
    () => null,
  );
  if (size === null) throw notFound("The export file is no longer on disk; run the export again");

  await db().$transaction((tx) =>
    recordAudit(tx, {
      actor,
      action: part === "manifest" ? "export.manifest_downloaded" : "export.downloaded",
      orgId: access.project.orgId,
      projectId,
      targetType: "export",
      targetId: exp.id,
      metadata: { format, includePii: exp.includePii, sha256: exp.sha256, bytes: size },
    }),
  );
  return {
    stream: createReadStream(path),
    size,
    fileName: downloadName(access.project.slug, format, exp.createdAt, part),
    contentType: part === "manifest" ? "application/json" : formatInfo[format].contentType,
    sha256: exp.sha256,
  };
}
