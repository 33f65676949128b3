import type { Metadata } from "next";
import Link from "next/link";
import { projectPage } from "@/lib/auth/page-access";
import { can } from "@/lib/auth/permissions";
import { listQueue, type QueueRow } from "@/lib/review/list-queue";
import { hasFilters, nextDeadline, openStatuses, queueFiltersSchema, queueSearch, type QueueFilters } from "@/lib/review/queue-schemas";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { ClaimNextButton } from "@/components/review/claim-next-button";
import { ShortcutHelp } from "@/components/review/shortcut-help";
import { QueueFiltersForm } from "@/components/review/queue-filters-form";
import { QueueTable, type QueueTableRow } from "@/components/review/queue-table";
import { statusName } from "@/components/review/badges";

export const metadata: Metadata = { title: "Queue" };

type Search = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** The outcome of a lead's bulk action, from the numbers the action redirected with. */
function bulkNotice(action: string | undefined, changed: number, skipped: number): string {
  const n = (k: number) => (Number.isFinite(k) ? Math.max(0, Math.trunc(k)) : 0);
  const verb = action === "dismiss" ? "Dismissed" : "Resolved";
  return `${verb} ${n(changed)} item${n(changed) === 1 ? "" : "s"}${n(skipped) ? `; ${n(skipped)} skipped (already closed or not in this project)` : ""}.`;
}

function tableRow(r: QueueRow): QueueTableRow {
  const next = nextDeadline(r);
  const start = new Date(r.createdAt.getTime() + Number(r.pausedMs)).toISOString();
  return {
    id: r.id,
    requestId: r.requestId,
    status: r.status,
    severity: r.severity,
    source: r.source,
    categories: r.categories,
    reportCount: r.reportCount,
    isSample: r.isSample,
    model: r.model ? [r.model.id, r.model.version].filter(Boolean).join(" ") : null,
    flagKeys: r.flagKeys,
    deadline: next && { kind: next.kind, due: next.dueAt.toISOString(), start },
    paused: r.pausedAt !== null,
  };
}

export default async function QueuePage({ params, searchParams }: { params: Promise<{ project: string }>; searchParams: Promise<Search> }) {
  const { project: slug } = await params;
  const search = await searchParams;
  const { actor, project, role } = await projectPage(slug, "queue:read", `/p/${slug}/queue`);
  const filters: QueueFilters = queueFiltersSchema.parse(Object.fromEntries(Object.entries(search).map(([k, v]) => [k, one(v)])));
  const page = await listQueue(actor, project.id, { filters, after: one(search.after), before: one(search.before) });
  const total = Object.values(page.counts).reduce((a, b) => a + b, 0);
  const filtered = hasFilters(filters);
  const base = `/p/${slug}/queue`;

  return (
    <>
      <PageHeader
        title="Queue"
        description="Open items, most urgent first: by the next SLA deadline, then priority."
        actions={
          <div className="flex flex-wrap items-start gap-4">
            <ShortcutHelp />
            {can(role, "item:claim") ? <ClaimNextButton projectId={project.id} slug={slug} /> : null}
          </div>
        }
      />

      <nav aria-label="Status" className="mb-4 flex flex-wrap gap-2 text-sm">
        {[undefined, ...openStatuses].map((s) => {
          const current = filters.status === s;
          const count = s ? page.counts[s] : total;
          return (
            <Link
              key={s ?? "all"}
              href={`${base}${queueSearch({ ...filters, status: s })}`}
              aria-current={current ? "page" : undefined}
              data-testid={`status-count-${s ?? "ALL"}`}
              className={`rounded-full border px-3 py-1 ${current ? "border-brand-600 bg-brand-50 font-medium text-brand-700" : "border-slate-200 bg-white text-slate-700 hover:bg-slate-50"}`}
            >
              {s ? statusName(s) : "All open"} <span className="tabular-nums text-slate-500">{count.toLocaleString("en")}</span>
            </Link>
          );
        })}
      </nav>

      {one(search.bulk) ? (
        <p role="status" className="mb-4 rounded-md bg-green-50 px-3 py-2 text-sm text-green-800">
          {bulkNotice(one(search.bulk), Number(one(search.changed)), Number(one(search.skipped)))}
        </p>
      ) : null}
      {one(search.done) === "1" ? (
        <p role="status" className="mb-4 rounded-md bg-green-50 px-3 py-2 text-sm text-green-800">
          Saved. Nothing else is waiting for you right now.
        </p>
      ) : null}

      <QueueFiltersForm action={base} filters={filters} />

      {page.rows.length === 0 ? (
        total === 0 ? (
          <EmptyState title="The queue is empty">
            No open items. Items appear when a classifier flags an interaction, a user reports one, or a sample of passed traffic is drawn for review.
          </EmptyState>
        ) : (
          <EmptyState title={filtered ? "No open items match these filters" : "No more items"}>
            {total.toLocaleString("en")} open item{total === 1 ? "" : "s"} in all.{" "}
            <Link href={base} className="font-medium text-brand-700 underline">
              Show the whole queue
            </Link>
          </EmptyState>
        )
      ) : (
        <>
          <QueueTable rows={page.rows.map(tableRow)} slug={slug} serverNow={page.asOf.getTime()} bulkProjectId={can(role, "item:bulk") ? project.id : undefined} />
          <div className="mt-3 flex flex-wrap items-center justify-between gap-3 text-sm">
            <p className="text-slate-500">
              Keyboard: <kbd className="font-mono">j</kbd>/<kbd className="font-mono">k</kbd> move, <kbd className="font-mono">Enter</kbd> opens
              {can(role, "item:bulk") ? (
                <>
                  , <kbd className="font-mono">x</kbd> selects
                </>
              ) : null}
              {can(role, "item:claim") ? (
                <>
                  , <kbd className="font-mono">c</kbd> claims the next item
                </>
              ) : null}
              .
            </p>
            <nav aria-label="Pages" className="flex gap-3">
              {page.prev ? (
                <Link href={`${base}${queueSearch(filters, { before: page.prev })}`} className="font-medium text-brand-700 underline">
                  Previous page
                </Link>
              ) : null}
              {page.next ? (
                <Link href={`${base}${queueSearch(filters, { after: page.next })}`} className="font-medium text-brand-700 underline">
                  Next page
                </Link>
              ) : null}
            </nav>
          </div>
        </>
      )}
    </>
  );
}
