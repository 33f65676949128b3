import type { Metadata } from "next";
import { projectPage } from "@/lib/auth/page-access";
import { can } from "@/lib/auth/permissions";
import { listExports } from "@/lib/exports/list-exports";
import { describeFilter, formatInfo } from "@/lib/exports/schemas";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { NewExportForm } from "@/components/exports/new-export-form";
import { ExportHistory, type ExportRow } from "@/components/exports/export-history";
import { etaSeconds } from "@/components/exports/format";
import { formatInstant } from "@/components/flags/format";

export const metadata: Metadata = { title: "Exports" };

export default async function Page({ params }: { params: Promise<{ project: string }> }) {
  const { project: slug } = await params;
  const { actor, project, role } = await projectPage(slug, "export:read", `/p/${slug}/exports`);
  const exports = await listExports(actor, project.id);
  const mayCreate = can(role, "export:create");
  const mayPii = can(role, "export:pii");
  const now = new Date();
  const rows: ExportRow[] = exports.map((e) => ({
    id: e.id,
    formatName: formatInfo[e.format].name,
    schemaVersion: e.schemaVersion,
    status: e.status,
    filterText: describeFilter(e.filter),
    includePii: e.includePii,
    scanned: e.scannedRows,
    total: e.totalRows,
    rows: e.rowCount,
    skipped: e.skipped,
    etaSeconds:
      e.status === "RUNNING"
        ? etaSeconds({ scanned: e.scannedRows, total: e.totalRows, startedAt: e.startedAt }, now)
        : null,
    bytes: e.bytes,
    sha256: e.sha256,
    error: e.error,
    requestedBy: e.requestedBy,
    createdAt: formatInstant(e.createdAt.toISOString()),
    finishedAt: e.finishedAt ? formatInstant(e.finishedAt.toISOString()) : null,
    mayDownload: !e.includePii || mayPii,
  }));

  return (
    <>
      <PageHeader
        title="Exports"
        description="Labeled data for model tuning: reviewer decisions as training files, each with a manifest."
      />
      {mayCreate ? <NewExportForm projectId={project.id} mayIncludePii={mayPii} /> : null}
      {rows.length === 0 ? (
        <EmptyState title="No exports yet">
          {mayCreate
            ? "Choose a format and a filter above. The file is generated in the background; it appears here with its progress, then a download link."
            : "A lead of this project can create exports."}
        </EmptyState>
      ) : (
        <ExportHistory rows={rows} projectId={project.id} slug={slug} mayCreate={mayCreate} />
      )}
    </>
  );
}
