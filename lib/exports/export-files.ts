// Where an export's file and manifest live in EXPORT_DIR, and how they are
// cleared away. Files are named by export id only: no part of a name comes
// from user input. A file is written under a hidden temporary name and
// renamed when complete, so a finished name always means a finished file.
import "server-only";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { config } from "@/lib/config";
import { formatInfo, type ExportFormat } from "@/lib/exports/schemas";

export function exportDir(): string {
  return path.resolve(config().EXPORT_DIR);
}

export function exportPaths(exportId: string, format: ExportFormat) {
  const dir = exportDir();
  const fileName = `${exportId}.${formatInfo[format].extension}`;
  return {
    dir,
    fileName,
    file: path.join(dir, fileName),
    temp: path.join(dir, `.${fileName}.partial`),
    manifestName: `${exportId}.manifest.json`,
    manifest: path.join(dir, `${exportId}.manifest.json`),
    manifestTemp: path.join(dir, `.${exportId}.manifest.json.partial`),
  };
}

export async function ensureExportDir(): Promise<string> {
  const dir = exportDir();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Deletes whatever an export left on disk, finished or not. */
export async function removeExportFiles(exportId: string, format: ExportFormat): Promise<void> {
  const p = exportPaths(exportId, format);
  await Promise.all([p.temp, p.file, p.manifest, p.manifestTemp].map((f) => rm(f, { force: true })));
}

/** Download name: project, format and date, so that files from several exports do not collide. */
export function downloadName(
  projectSlug: string,
  format: ExportFormat,
  createdAt: Date,
  part: "file" | "manifest",
): string {
  const stamp = createdAt.toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "-");
  const base = `${projectSlug}-${format.toLowerCase().replace(/_/g, "-")}-${stamp}`;
  return part === "manifest" ? `${base}.manifest.json` : `${base}.${formatInfo[format].extension}`;
}
