// Generates one export (the worker's job): streams the records through the
// format's encoder into a temporary file while hashing it, reports progress
// on the Export row, and on success renames the file into place beside its
// manifest. A cancelled export is noticed at the next progress report; a
// cancelled or failed export leaves no file behind, and only a SUCCEEDED row
// is ever offered for download. Re-running the job of a RUNNING export (its
// worker died) starts it again from scratch.
import "server-only";
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import { once } from "node:events";
import { Prisma } from "@/lib/generated/prisma/client.ts";
import { db, pgPool } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { chainHead } from "@/lib/audit/chain-store";
import type { SystemActor } from "@/lib/auth/actor-types";
import { encodeRecord, fileHeader, skipReasons, type SkipReason } from "@/lib/exports/formats";
import { readRecords } from "@/lib/exports/read-records";
import { ensureExportDir, exportPaths, removeExportFiles } from "@/lib/exports/export-files";
import { describeFilter, exportFilterSchema, formatInfo, type ExportFormat } from "@/lib/exports/schemas";

const worker: SystemActor = { kind: "system", label: "export-worker" };

export type ExportProgress = { scanned: number; rows: number; total: number | null };
export type RunExportOptions = {
  batchSize?: number;
  /** Called after each progress report (the first batch, then at most every PROGRESS_EVERY_MS). */
  onProgress?: (p: ExportProgress) => Promise<void> | void;
};
export type RunExportResult = {
  status: "SUCCEEDED" | "FAILED" | "CANCELLED" | "SKIPPED";
  rows?: number;
  error?: string;
};

class Cancelled extends Error {}

const PROGRESS_EVERY_MS = 500;

export async function runExport(exportId: string, opts: RunExportOptions = {}): Promise<RunExportResult> {
  const prisma = db();
  // Claim: QUEUED, or RUNNING when a dead worker's job is retried.
  const claimed = await prisma.export.updateMany({
    where: { id: exportId, status: { in: ["QUEUED", "RUNNING"] } },
    data: {
      status: "RUNNING",
      startedAt: new Date(),
      rowCount: 0,
      scannedRows: 0,
      totalRows: null,
      error: null,
      bytes: null,
      sha256: null,
      filePath: null,
      manifest: Prisma.DbNull,
    },
  });
  if (claimed.count === 0) return { status: "SKIPPED" };
  const exp = await prisma.export.findUniqueOrThrow({
    where: { id: exportId },
    include: {
      project: { select: { id: true, slug: true, orgId: true } },
      requestedBy: { select: { id: true, email: true, name: true } },
    },
  });
  const format = exp.format as ExportFormat;
  const paths = exportPaths(exp.id, format);

  try {
    const filter = exportFilterSchema.parse(exp.filter);
    const checkpoint = await auditCheckpoint(exp.projectId);
    await ensureExportDir();
    await removeExportFiles(exp.id, format);

    const out = createWriteStream(paths.temp, { flags: "wx", mode: 0o600 });
    // A write error (disk full, directory gone) fails the export, not the worker process.
    let writeError: Error | null = null;
    out.on("error", (err) => (writeError ??= err));
    const hash = createHash("sha256");
    let bytes = 0;
    const write = async (text: string) => {
      if (writeError) throw writeError;
      if (!text) return;
      const buf = Buffer.from(text, "utf8");
      hash.update(buf);
      bytes += buf.length;
      if (!out.write(buf)) await once(out, "drain");
    };
    const skipped: Partial<Record<SkipReason, number>> = {};
    let rows = 0;
    let scanned = 0;
    let total: number | null = null;
    let reportedAt = 0;

    const client = await pgPool().connect();
    try {
      await write(fileHeader(format));
      const batches = readRecords(
        client,
        { projectId: exp.projectId, filter, includePii: exp.includePii, batchSize: opts.batchSize },
        async (n) => {
          total = n;
          await prisma.export.updateMany({ where: { id: exp.id, status: "RUNNING" }, data: { totalRows: n } });
        },
      );
      for await (const batch of batches) {
        let chunk = "";
        for (const record of batch.records) {
          const encoded = encodeRecord(format, record);
          if (typeof encoded === "string") skipped[encoded] = (skipped[encoded] ?? 0) + 1;
          else {
            chunk += encoded.text;
            rows += encoded.rows;
          }
        }
        for (const reason of batch.skipped) skipped[reason] = (skipped[reason] ?? 0) + 1;
        scanned += batch.scanned;
        await write(chunk);
        // Progress, and the check for a cancellation, a few times a second rather than per batch.
        if (Date.now() - reportedAt >= PROGRESS_EVERY_MS) {
          // Raw SQL: a few times a second for as long as the export runs, where the ORM's per-query cost would show.
          const reported = await pgPool().query(
            `UPDATE "Export" SET "rowCount" = $2, "scannedRows" = $3 WHERE id = $1::uuid AND status = 'RUNNING'`,
            [exp.id, rows, scanned],
          );
          if (reported.rowCount === 0) throw new Cancelled();
          reportedAt = Date.now();
          await opts.onProgress?.({ scanned, rows, total });
        }
      }
    } finally {
      client.release();
      if (!out.closed) {
        out.end();
        await once(out, "close");
      }
    }
    if (writeError) throw writeError;

    const sha256 = hash.digest("hex");
    const finishedAt = new Date();
    const manifest = {
      manifestVersion: 1,
      exportId: exp.id,
      project: { id: exp.project.id, slug: exp.project.slug },
      format,
      formatName: formatInfo[format].name,
      schemaVersion: exp.schemaVersion,
      schema: `rampart.export.${format.toLowerCase()}/v${exp.schemaVersion}`,
      file: { name: paths.fileName, bytes, sha256 },
      filter,
      filterText: describeFilter(filter),
      includePii: exp.includePii,
      pii: exp.includePii ? "included (originals decrypted where their keys still exist)" : "redacted",
      rowCount: rows,
      itemsScanned: scanned,
      skipped: Object.fromEntries(
        Object.entries(skipped).map(([reason, count]) => [reason, { count, why: skipReasons[reason as SkipReason] }]),
      ),
      requestedBy: { id: exp.requestedBy.id, email: exp.requestedBy.email, name: exp.requestedBy.name },
      requestedAt: exp.createdAt.toISOString(),
      generatedAt: finishedAt.toISOString(),
      auditCheckpoint: checkpoint,
    };
    await writeFile(paths.manifestTemp, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    await rename(paths.temp, paths.file);
    await rename(paths.manifestTemp, paths.manifest);

    const done = await prisma.$transaction(async (tx) => {
      const updated = await tx.export.updateMany({
        where: { id: exp.id, status: "RUNNING" },
        data: {
          status: "SUCCEEDED",
          rowCount: rows,
          scannedRows: scanned,
          totalRows: scanned,
          bytes: BigInt(bytes),
          sha256,
          filePath: paths.fileName,
          manifest: JSON.parse(JSON.stringify(manifest)) as Prisma.InputJsonValue,
          finishedAt,
        },
      });
      if (updated.count === 0) return false;
      await recordAudit(tx, {
        actor: worker,
        action: "export.completed",
        orgId: exp.project.orgId,
        projectId: exp.projectId,
        targetType: "export",
        targetId: exp.id,
        after: { status: "SUCCEEDED", rowCount: rows, bytes, sha256 },
        metadata: { format, skipped },
      });
      return true;
    });
    if (!done) throw new Cancelled();
    return { status: "SUCCEEDED", rows };
  } catch (err) {
    await removeExportFiles(exp.id, format);
    if (err instanceof Cancelled) return { status: "CANCELLED" };
    const message = `Export failed: ${(err as Error).message}`.slice(0, 2_000);
    const failed = await prisma.$transaction(async (tx) => {
      const updated = await tx.export.updateMany({
        where: { id: exp.id, status: "RUNNING" },
        data: { status: "FAILED", error: message, finishedAt: new Date() },
      });
      if (updated.count === 0) return false;
      await recordAudit(tx, {
        actor: worker,
        action: "export.failed",
        orgId: exp.project.orgId,
        projectId: exp.projectId,
        targetType: "export",
        targetId: exp.id,
        metadata: { error: message },
      });
      return true;
    });
    // No longer RUNNING: cancelled meanwhile (which also took the file away from under the writer).
    return failed ? { status: "FAILED", error: message } : { status: "CANCELLED" };
  }
}

/**
 * The project's audit chain as the export began: the sealed head (event id,
 * sequence, hash), the newest event (sealed or not) and the last signed
 * checkpoint. Lets a reader place the export in the verifiable history.
 */
async function auditCheckpoint(projectId: string) {
  const prisma = db();
  const [head, latest, signed] = await Promise.all([
    chainHead(prisma, projectId),
    prisma.auditEvent.findFirst({
      where: { projectId },
      orderBy: { id: "desc" },
      select: { id: true, createdAt: true },
    }),
    prisma.auditCheckpoint.findFirst({
      where: { chain: projectId },
      orderBy: [{ seq: "desc" }, { createdAt: "desc" }],
      select: { seq: true, createdAt: true, headHash: true },
    }),
  ]);
  return {
    chain: projectId,
    sealedHead: head
      ? {
          auditEventId: head.auditEventId.toString(),
          seq: head.seq.toString(),
          hash: Buffer.from(head.hash).toString("hex"),
        }
      : null,
    latestAuditEventId: latest ? latest.id.toString() : null,
    latestAuditEventAt: latest ? latest.createdAt.toISOString() : null,
    signedCheckpoint: signed
      ? {
          seq: signed.seq.toString(),
          createdAt: signed.createdAt.toISOString(),
          headHash: Buffer.from(signed.headHash).toString("hex"),
        }
      : null,
  };
}
