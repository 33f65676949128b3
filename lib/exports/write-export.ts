// The streaming part of an export: reads the records (lib/exports/read-records),
// encodes them in the format, writes them to the temporary file while hashing
// it, and reports progress on the Export row a few times a second, which is
// also where a cancellation is noticed. Uses plain pg only (no Prisma), so the
// worker can run it in a small child process of its own (workers/export-child.ts)
// whose memory is capped and handed back when the export ends; run-export.ts
// does the rest (claim, manifest, rename, audit) in the worker.
import "server-only";
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import type pg from "pg";
import { encodeRecord, fileHeader, readsDetails, type SkipReason } from "@/lib/exports/formats";
import { readRecords } from "@/lib/exports/read-records";
import type { ExportFilter, ExportFormat } from "@/lib/exports/schemas";

export type ExportProgress = { scanned: number; rows: number; total: number | null };

export type WriteExportJob = {
  exportId: string;
  projectId: string;
  format: ExportFormat;
  filter: ExportFilter;
  includePii: boolean;
  /** The temporary file to create (it must not exist). */
  temp: string;
  batchSize?: number;
};

export type WrittenExport = {
  rows: number;
  scanned: number;
  skipped: Partial<Record<SkipReason, number>>;
  bytes: number;
  sha256: string;
};

/** What the worker and the export's child process (workers/export-child.ts) say to each other over IPC. */
export type ParentMessage = { type: "start"; job: WriteExportJob };
export type ChildUsage = { peakRssKb: number; cpuMs: number };
export type ChildMessage =
  | { type: "progress"; progress: ExportProgress }
  | { type: "done"; written: WrittenExport; usage: ChildUsage }
  | { type: "cancelled"; usage: ChildUsage }
  | { type: "error"; message: string; usage: ChildUsage };

/** The Export row is no longer RUNNING: cancelled (or taken over) while the file was written. */
export class ExportCancelled extends Error {
  constructor() {
    super("export cancelled");
  }
}

const PROGRESS_EVERY_MS = 500;
/** Encoded lines go to the file in pieces of this size. */
const OUT_BUFFER_BYTES = 1 << 20;

/**
 * Writes the export's file. `client` is a dedicated connection for the read
 * (one snapshot); `db` runs the small progress updates beside it. Throws
 * ExportCancelled when the row stops being RUNNING; a write error (disk full,
 * directory gone) is thrown as it is. The caller removes the file on failure.
 */
export async function writeExportFile(
  client: pg.ClientBase,
  db: Pick<pg.ClientBase, "query">,
  job: WriteExportJob,
  onProgress?: (p: ExportProgress) => Promise<void> | void,
): Promise<WrittenExport> {
  const out = createWriteStream(job.temp, { flags: "wx", mode: 0o600 });
  // A write error fails the export, not the process.
  let writeError: Error | null = null;
  out.on("error", (err) => (writeError ??= err));
  const hash = createHash("sha256");
  let bytes = 0;
  // Lines are encoded straight into a buffer outside the JS heap, handed to the
  // file (and the hash) when full: no batch-sized string to build and flatten.
  let buf = Buffer.allocUnsafeSlow(OUT_BUFFER_BYTES);
  let used = 0;
  const flush = async () => {
    if (writeError) throw writeError;
    if (used === 0) return;
    const full = buf.subarray(0, used);
    hash.update(full);
    bytes += used;
    buf = Buffer.allocUnsafeSlow(OUT_BUFFER_BYTES);
    used = 0;
    // Backpressure: wait while the stream holds more than its high-water mark.
    if (!out.write(full)) await once(out, "drain");
  };
  // A UTF-16 code unit takes at most 3 bytes in UTF-8.
  const fits = (text: string) => used + text.length * 3 <= buf.length;
  const append = async (text: string) => {
    if (!fits(text)) {
      await flush();
      if (!fits(text)) buf = Buffer.allocUnsafeSlow(text.length * 3);
    }
    used += buf.write(text, used);
  };
  const skipped: Partial<Record<SkipReason, number>> = {};
  let rows = 0;
  let scanned = 0;
  let total: number | null = null;
  let reportedAt = 0;
  try {
    await append(fileHeader(job.format));
    const batches = readRecords(
      client,
      {
        projectId: job.projectId,
        filter: job.filter,
        includePii: job.includePii,
        details: readsDetails(job.format),
        batchSize: job.batchSize,
      },
      async (n) => {
        total = n;
        await db.query(`UPDATE "Export" SET "totalRows" = $2 WHERE id = $1::uuid AND status = 'RUNNING'`, [
          job.exportId,
          n,
        ]);
      },
    );
    for await (const batch of batches) {
      for (const record of batch.records) {
        const encoded = encodeRecord(job.format, record);
        if (typeof encoded === "string") skipped[encoded] = (skipped[encoded] ?? 0) + 1;
        else {
          if (fits(encoded.text)) used += buf.write(encoded.text, used);
          else await append(encoded.text);
          rows += encoded.rows;
        }
      }
      for (const reason of batch.skipped) skipped[reason] = (skipped[reason] ?? 0) + 1;
      scanned += batch.scanned;
      // Progress, and the check for a cancellation, a few times a second rather than per batch.
      if (Date.now() - reportedAt >= PROGRESS_EVERY_MS) {
        const reported = await db.query(
          `UPDATE "Export" SET "rowCount" = $2, "scannedRows" = $3 WHERE id = $1::uuid AND status = 'RUNNING'`,
          [job.exportId, rows, scanned],
        );
        if (reported.rowCount === 0) throw new ExportCancelled();
        reportedAt = Date.now();
        await onProgress?.({ scanned, rows, total });
      }
    }
    await flush();
  } finally {
    if (!out.closed) {
      out.end();
      await once(out, "close");
    }
  }
  if (writeError) throw writeError;
  return { rows, scanned, skipped, bytes, sha256: hash.digest("hex") };
}
