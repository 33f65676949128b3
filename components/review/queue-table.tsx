"use client";
// The queue's rows. j/k move a visible focus between rows, Enter opens the
// focused row; the request id is an ordinary link for mouse and Tab users.
// For leads, rows can be selected (checkbox, or x on the focused row) and
// resolved or dismissed together with one reason.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useActionState, useEffect, useRef, useState, useTransition } from "react";
import { bulkTransitionAction } from "@/app/p/[project]/queue/actions";
import { FormMessage, inputClass } from "@/components/ui/form";
import { idleResult, type ActionResult } from "@/lib/http/action-result";
import { SlaBadge, type SlaBadgeProps } from "@/components/review/sla-badge";
import { isShortcut } from "@/components/review/keyboard";
import { SeverityBadge, SourceBadge, StatusBadge } from "@/components/review/badges";

export type QueueTableRow = {
  id: string;
  requestId: string;
  status: string;
  severity: string;
  source: string;
  categories: string[];
  reportCount: number;
  isSample: boolean;
  model: string | null;
  flagKeys: string[];
  deadline: SlaBadgeProps["deadline"];
  paused: boolean;
};

function BulkBar({ projectId, slug, selected }: { projectId: string; slug: string; selected: string[] }) {
  const [state, action] = useActionState(bulkTransitionAction.bind(null, projectId, slug), idleResult as ActionResult);
  const [pending, startTransition] = useTransition();
  const [reason, setReason] = useState("");
  return (
    <form
      aria-label="Bulk action on selected items"
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget, (e.nativeEvent as SubmitEvent).submitter);
        for (const id of selected) data.append("itemId", id);
        data.set("returnTo", `${window.location.pathname}${window.location.search}`);
        startTransition(() => action(data));
      }}
      className="mb-3 space-y-2 rounded-lg border border-slate-200 bg-white p-3"
    >
      <div className="flex flex-wrap items-end gap-2">
        <p className="text-sm font-medium" aria-live="polite">
          {selected.length} selected
        </p>
        <div className="min-w-64 flex-1">
          <label htmlFor="bulk-reason" className="sr-only">
            Reason for the bulk action
          </label>
          <input
            id="bulk-reason"
            name="reason"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            required
            minLength={3}
            maxLength={2000}
            placeholder="Reason (recorded on every item)"
            className={inputClass}
          />
        </div>
        <button
          type="submit"
          name="action"
          value="resolve"
          disabled={pending || selected.length === 0}
          className="rounded-md bg-brand-600 px-3 py-2 text-sm font-medium text-white disabled:opacity-60"
        >
          Resolve selected
        </button>
        <button
          type="submit"
          name="action"
          value="dismiss"
          disabled={pending || selected.length === 0}
          className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium disabled:opacity-60"
        >
          Dismiss selected
        </button>
      </div>
      <FormMessage state={state} />
    </form>
  );
}

export function QueueTable({
  rows,
  slug,
  serverNow,
  bulkProjectId,
}: {
  rows: QueueTableRow[];
  slug: string;
  serverNow: number;
  bulkProjectId?: string;
}) {
  const router = useRouter();
  const refs = useRef<(HTMLTableRowElement | null)[]>([]);
  const [active, setActive] = useState(-1);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const href = (id: string) => `/p/${slug}/queue/${id}`;
  const toggle = (id: string) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const visibleSelected = rows.filter((r) => selected.has(r.id)).map((r) => r.id);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (bulkProjectId && isShortcut(e, "x")) {
        const focused = refs.current.findIndex((r) => r === document.activeElement);
        if (focused >= 0) {
          e.preventDefault();
          toggle(rows[focused]!.id);
        }
        return;
      }
      const down = isShortcut(e, "j");
      if (!down && !isShortcut(e, "k")) return;
      e.preventDefault();
      const focused = refs.current.findIndex((r) => r === document.activeElement);
      const from = focused >= 0 ? focused : active;
      const next = from < 0 ? 0 : Math.min(Math.max(from + (down ? 1 : -1), 0), rows.length - 1);
      refs.current[next]?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [active, rows, bulkProjectId]);

  return (
    <>
      {bulkProjectId ? (
        <BulkBar projectId={bulkProjectId} slug={slug} selected={visibleSelected} />
      ) : null}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">
            Open items, most urgent first. Press j and k to move between rows and Enter to open one.
          </caption>
          <thead className="bg-slate-50 text-xs text-slate-500 uppercase">
            <tr>
              {bulkProjectId ? (
                <th scope="col" className="w-8 px-3 py-2">
                  <input
                    type="checkbox"
                    aria-label="Select all items on this page"
                    checked={rows.length > 0 && visibleSelected.length === rows.length}
                    onChange={(e) => setSelected(e.currentTarget.checked ? new Set(rows.map((r) => r.id)) : new Set())}
                    className="h-4 w-4 rounded border-slate-300"
                  />
                </th>
              ) : null}
              <th scope="col" className="px-3 py-2">
                SLA
              </th>
              <th scope="col" className="px-3">
                Request
              </th>
              <th scope="col" className="px-3">
                Status
              </th>
              <th scope="col" className="px-3">
                Severity
              </th>
              <th scope="col" className="px-3">
                Source
              </th>
              <th scope="col" className="px-3">
                Categories
              </th>
              <th scope="col" className="px-3">
                Model
              </th>
              <th scope="col" className="px-3">
                Flags
              </th>
              <th scope="col" className="px-3 text-right">
                Reports
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr
                key={r.id}
                ref={(el) => {
                  refs.current[i] = el;
                }}
                tabIndex={-1}
                data-testid="queue-row"
                data-request-id={r.requestId}
                onFocus={() => setActive(i)}
                onKeyDown={(e) => {
                  if (e.key === "Enter" && e.target === e.currentTarget) {
                    e.preventDefault();
                    router.push(href(r.id));
                  }
                }}
                className="border-t border-slate-100 align-top focus:bg-brand-50 focus:outline-2 focus:-outline-offset-2 focus:outline-brand-600 focus:outline-solid"
              >
                {bulkProjectId ? (
                  <td className="px-3 py-2">
                    <input
                      type="checkbox"
                      aria-label={`Select ${r.requestId}`}
                      checked={selected.has(r.id)}
                      onChange={() => toggle(r.id)}
                      className="h-4 w-4 rounded border-slate-300"
                    />
                  </td>
                ) : null}
                <td className="px-3 py-2">
                  <SlaBadge deadline={r.deadline} paused={r.paused} serverNow={serverNow} />
                </td>
                <td className="px-3 py-2">
                  <Link href={href(r.id)} className="font-mono text-xs font-medium text-brand-700 underline">
                    {r.requestId}
                  </Link>
                  {r.isSample ? (
                    <span className="ml-2 rounded bg-violet-100 px-1.5 py-0.5 text-xs text-violet-800">sample</span>
                  ) : null}
                </td>
                <td className="px-3 py-2">
                  <StatusBadge status={r.status} />
                </td>
                <td className="px-3 py-2">
                  <SeverityBadge severity={r.severity} />
                </td>
                <td className="px-3 py-2">
                  <SourceBadge source={r.source} />
                </td>
                <td className="px-3 py-2 text-xs">
                  {r.categories.length ? r.categories.join(", ") : <span className="text-slate-400">—</span>}
                </td>
                <td className="px-3 py-2 text-xs whitespace-nowrap">
                  {r.model ?? <span className="text-slate-400">not received</span>}
                </td>
                <td className="px-3 py-2 font-mono text-xs">
                  {r.flagKeys.length ? r.flagKeys.join(", ") : <span className="text-slate-400">—</span>}
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{r.reportCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
