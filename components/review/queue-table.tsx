"use client";
// The queue's rows. j/k move a visible focus between rows, Enter opens the
// focused row; the request id is an ordinary link for mouse and Tab users.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
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

export function QueueTable({ rows, slug, serverNow }: { rows: QueueTableRow[]; slug: string; serverNow: number }) {
  const router = useRouter();
  const refs = useRef<(HTMLTableRowElement | null)[]>([]);
  const [active, setActive] = useState(-1);
  const href = (id: string) => `/p/${slug}/queue/${id}`;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
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
  }, [active, rows.length]);

  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Open items, most urgent first. Press j and k to move between rows and Enter to open one.</caption>
        <thead className="bg-slate-50 text-xs text-slate-500 uppercase">
          <tr>
            <th scope="col" className="px-3 py-2">SLA</th>
            <th scope="col" className="px-3">Request</th>
            <th scope="col" className="px-3">Status</th>
            <th scope="col" className="px-3">Severity</th>
            <th scope="col" className="px-3">Source</th>
            <th scope="col" className="px-3">Categories</th>
            <th scope="col" className="px-3">Model</th>
            <th scope="col" className="px-3">Flags</th>
            <th scope="col" className="px-3 text-right">Reports</th>
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
              <td className="px-3 py-2">
                <SlaBadge deadline={r.deadline} paused={r.paused} serverNow={serverNow} />
              </td>
              <td className="px-3 py-2">
                <Link href={href(r.id)} className="font-mono text-xs font-medium text-brand-700 underline">
                  {r.requestId}
                </Link>
                {r.isSample ? <span className="ml-2 rounded bg-violet-100 px-1.5 py-0.5 text-xs text-violet-800">sample</span> : null}
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
              <td className="px-3 py-2 text-xs">{r.categories.length ? r.categories.join(", ") : <span className="text-slate-400">—</span>}</td>
              <td className="px-3 py-2 text-xs whitespace-nowrap">{r.model ?? <span className="text-slate-400">not received</span>}</td>
              <td className="px-3 py-2 font-mono text-xs">{r.flagKeys.length ? r.flagKeys.join(", ") : <span className="text-slate-400">—</span>}</td>
              <td className="px-3 py-2 text-right tabular-nums">{r.reportCount}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
