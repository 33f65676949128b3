// Generates one export (the worker's job): streams the records through the
// format's encoder into a temporary file while hashing it, reports progress
// on the Export row, and on success renames the file into place beside its
// manifest. The streaming part (lib/exports/write-export.ts) runs in this
// process, or, as the worker has it, in a child process of its own. A cancelled export is noticed at the next progress report; a
// cancelled or failed export leaves no file behind, and only a SUCCEEDED row
// is ever offered for download. Re-running the job of a RUNNING export (its
// worker died) starts it again from scratch.
import "server-only";
import { fork } from "node:child_process";
import { rename, writeFile } from "node:fs/promises";
import { Prisma } from "@/lib/generated/prisma/client.ts";
import { db, pgPool } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { chainHead } from "@/lib/audit/chain-store";
import type { SystemActor } from "@/lib/auth/actor-types";
import { skipReasons, type SkipReason } from "@/lib/exports/formats";
import {
  ExportCancelled,
  writeExportFile,
  type ChildMessage,
  type ChildUsage,
  type ExportProgress,
  type ParentMessage,
  type WriteExportJob,
  type WrittenExport,
} from "@/lib/exports/write-export";
import { ensureExportDir, exportPaths, removeExportFiles } from "@/lib/exports/export-files";
import { describeFilter, exportFilterSchema, formatInfo, type ExportFormat } from "@/lib/exports/schemas";

const worker: SystemActor = { kind: "system", label: "export-worker" };

export type { ExportProgress };
export type RunExportOptions = {
  batchSize?: number;
  /** Called after each progress report (the first batch, then at most every 500 ms). */
  onProgress?: (p: ExportProgress) => Promise<void> | void;
  /**
   * Write the file in a child process forked from this entry (workers/export-child.ts, or its
   * bundle) instead of in this process: its heap is capped and its memory goes back when it ends.
   */
  child?: { entry: string | URL; execArgv?: string[]; onExit?: (usage: ChildUsage | null) => void };
};
export type RunExportResult = {
  status: "SUCCEEDED" | "FAILED" | "CANCELLED" | "SKIPPED";
  rows?: number;
  error?: string;
};

/**
 * V8 flags of an export's child process: a capped old space (its batches are
 * bounded in characters, far below it), and a young generation large enough
 * that the rows of a batch in flight are rarely copied or promoted, which
 * measurably cut the time spent in garbage collection.
 */
const CHILD_V8_FLAGS = ["--max-old-space-size=128", "--max-semi-space-size=32"];

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

    const job: WriteExportJob = {
      exportId: exp.id,
      projectId: exp.projectId,
      format,
      filter,
      includePii: exp.includePii,
      temp: paths.temp,
      batchSize: opts.batchSize,
    };
    const { rows, scanned, skipped, bytes, sha256 } = opts.child
      ? await writeInChild(job, opts.child, opts.onProgress)
      : await writeInProcess(job, opts.onProgress);

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
    if (!done) throw new ExportCancelled();
    return { status: "SUCCEEDED", rows };
  } catch (err) {
    await removeExportFiles(exp.id, format);
    if (err instanceof ExportCancelled) return { status: "CANCELLED" };
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

async function writeInProcess(job: WriteExportJob, onProgress: RunExportOptions["onProgress"]): Promise<WrittenExport> {
  const client = await pgPool().connect();
  try {
    return await writeExportFile(client, pgPool(), job, onProgress);
  } finally {
    client.release();
  }
}

/** writeExportFile in a forked child process; its messages carry progress and the outcome. */
function writeInChild(
  job: WriteExportJob,
  child: NonNullable<RunExportOptions["child"]>,
  onProgress: RunExportOptions["onProgress"],
): Promise<WrittenExport> {
  return new Promise((resolve, reject) => {
    const execArgv = [
      ...(child.execArgv ?? process.execArgv).filter(
        (a) => !a.startsWith("--max-old-space-size") && !a.startsWith("--max-semi-space-size"),
      ),
      ...CHILD_V8_FLAGS,
    ];
    const proc = fork(child.entry, [], { execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let outcome: { ok: WrittenExport } | { err: Error } | null = null;
    let usage: ChildUsage | null = null;
    // Progress callbacks run one after another, for the progress the child sent before its outcome,
    // and the promise settles after them. (Checked as the message arrives: the outcome can arrive
    // in the same tick as the last progress, before a callback chained here runs.)
    let progressChain = Promise.resolve();
    proc.on("message", (m: ChildMessage) => {
      if (m.type === "progress") {
        if (outcome) return;
        progressChain = progressChain
          .then(() => onProgress?.(m.progress))
          .catch((err: unknown) => {
            outcome ??= { err: err as Error };
            proc.kill();
          });
        return;
      }
      usage = m.usage;
      if (m.type === "done") outcome ??= { ok: m.written };
      else if (m.type === "cancelled") outcome ??= { err: new ExportCancelled() };
      else outcome ??= { err: new Error(m.message) };
    });
    proc.once("error", (err) => {
      outcome ??= { err };
      // Never started: there will be no exit.
      if (proc.pid === undefined) reject(err);
    });
    proc.once("exit", (code, signal) => {
      child.onExit?.(usage);
      void progressChain.then(() => {
        const result = outcome ?? {
          err: new Error(`the export process ended without a result (${signal ?? `exit code ${code}`})`),
        };
        if ("ok" in result) resolve(result.ok);
        else reject(result.err);
      });
    });
    proc.send({ type: "start", job } satisfies ParentMessage);
  });
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
