"use client";
// The export history: status, progress with an ETA, size, download, cancel
// and re-run. While an export is queued or running the page refreshes itself
// every two seconds, so progress moves without a reload.
import { useEffect, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { cancelExportAction, rerunExportAction } from "@/app/p/[project]/exports/actions";
import type { ActionResult } from "@/lib/http/action-result";
import { FormMessage } from "@/components/ui/form";
import { buttonStyle, badgeClass } from "@/components/flags/format";
import { formatBytes, formatDuration, statusStyle, statusText } from "@/components/exports/format";

export type ExportRow = {
  id: string;
  formatName: string;
  schemaVersion: number;
  status: keyof typeof statusText;
  filterText: string;
  includePii: boolean;
  scanned: number;
  total: number | null;
  rows: number;
  skipped: number;
  etaSeconds: number | null;
  bytes: number | null;
  sha256: string | null;
  error: string | null;
  requestedBy: string;
  createdAt: string;
  finishedAt: string | null;
  mayDownload: boolean;
};

const REFRESH_MS = 2_000;

export function ExportHistory({
  rows,
  projectId,
  slug,
  mayCreate,
}: {
  rows: ExportRow[];
  projectId: string;
  slug: string;
  mayCreate: boolean;
}) {
  const router = useRouter();
  const [result, setResult] = useState<ActionResult | null>(null);
  const [pending, startTransition] = useTransition();
  const active = rows.some((r) => r.status === "QUEUED" || r.status === "RUNNING");

  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => router.refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [active, router]);

  const act = (fn: () => Promise<ActionResult>) =>
    startTransition(async () => {
      setResult(await fn());
      router.refresh();
    });

  return (
    <section aria-labelledby="export-history-heading">
      <h2 id="export-history-heading" className="mb-3 text-base font-semibold">
        History
      </h2>
      {result ? (
        <div className="mb-3">
          <FormMessage state={result} />
        </div>
      ) : null}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-left text-sm">
          <thead className="bg-slate-50 text-xs uppercase text-slate-500">
            <tr>
              <th scope="col" className="px-3 py-2">
                Format
              </th>
              <th scope="col" className="px-3 py-2">
                Filter
              </th>
              <th scope="col" className="px-3 py-2">
                Status
              </th>
              <th scope="col" className="px-3 py-2">
                Rows
              </th>
              <th scope="col" className="px-3 py-2">
                Size
              </th>
              <th scope="col" className="px-3 py-2">
                Asked for
              </th>
              <th scope="col" className="px-3 py-2">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr
                key={r.id}
                className="border-t border-slate-100 align-top"
                data-testid="export-row"
                data-export-id={r.id}
                data-status={r.status}
              >
                <td className="px-3 py-2">
                  <div className="font-medium">{r.formatName}</div>
                  <div className="text-xs text-slate-500">schema v{r.schemaVersion}</div>
                </td>
                <td className="max-w-xs px-3 py-2 text-slate-700">
                  {r.filterText}
                  {r.includePii ? (
                    <div className="mt-1 text-xs font-medium text-amber-800">Includes personal data</div>
                  ) : null}
                </td>
                <td className="px-3 py-2">
                  <span className={`${badgeClass} ${statusStyle[r.status]}`}>{statusText[r.status]}</span>
                  {r.status === "RUNNING" || r.status === "QUEUED" ? <Progress row={r} /> : null}
                  {r.error ? <p className="mt-1 max-w-xs text-xs text-red-700">{r.error}</p> : null}
                </td>
                <td className="px-3 py-2 tabular-nums">
                  {r.rows.toLocaleString("en")}
                  {r.skipped > 0 ? (
                    <div className="text-xs text-slate-500">
                      {r.skipped.toLocaleString("en")} skipped (see manifest)
                    </div>
                  ) : null}
                </td>
                <td className="px-3 py-2 tabular-nums">{formatBytes(r.bytes)}</td>
                <td className="px-3 py-2 text-slate-700">
                  <div>{r.requestedBy}</div>
                  <div className="text-xs text-slate-500">{r.createdAt}</div>
                </td>
                <td className="px-3 py-2">
                  <div className="flex flex-wrap justify-end gap-2">
                    {r.status === "SUCCEEDED" && r.mayDownload ? (
                      <>
                        <a className={buttonStyle.primary} href={`/p/${slug}/exports/${r.id}/download`} download>
                          Download
                        </a>
                        <a
                          className={buttonStyle.secondary}
                          href={`/p/${slug}/exports/${r.id}/download?part=manifest`}
                          download
                        >
                          Manifest
                        </a>
                      </>
                    ) : null}
                    {mayCreate && (r.status === "QUEUED" || r.status === "RUNNING") ? (
                      <button
                        type="button"
                        disabled={pending}
                        className={buttonStyle.dangerOutline}
                        onClick={() => act(() => cancelExportAction(projectId, r.id))}
                      >
                        Cancel
                      </button>
                    ) : null}
                    {mayCreate && r.status !== "QUEUED" && r.status !== "RUNNING" ? (
                      <button
                        type="button"
                        disabled={pending}
                        className={buttonStyle.secondary}
                        onClick={() => act(() => rerunExportAction(projectId, r.id))}
                      >
                        Re-run
                      </button>
                    ) : null}
                  </div>
                  {r.sha256 ? (
                    <p className="mt-1 text-right font-mono text-[11px] text-slate-400" title="sha256 of the file">
                      sha256 {r.sha256.slice(0, 16)}…
                    </p>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Progress({ row }: { row: ExportRow }) {
  const pct = row.total ? Math.min(100, Math.round((row.scanned / row.total) * 100)) : 0;
  const label =
    row.total === null
      ? "Estimating the size…"
      : `${row.scanned.toLocaleString("en")} of about ${Math.max(row.total, row.scanned).toLocaleString("en")} items`;
  return (
    <div className="mt-2 w-48">
      <div
        role="progressbar"
        aria-label="Export progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={label}
        className="h-2 overflow-hidden rounded bg-slate-200"
      >
        <div className="h-full bg-brand-600 transition-[width]" style={{ width: `${pct}%` }} />
      </div>
      <p className="mt-1 text-xs text-slate-500">
        {row.status === "QUEUED" ? "Waiting for a worker" : label}
        {row.etaSeconds !== null ? ` · about ${formatDuration(row.etaSeconds)} left` : ""}
      </p>
    </div>
  );
}
