// A page of incidents, newest first, with each one's response times so far.
import Link from "next/link";
import type { IncidentStatus } from "@/lib/incidents/status";
import { SeverityBadge } from "@/components/review/badges";
import { badgeClass } from "@/components/flags/format";
import {
  formatDuration,
  formatTime,
  incidentRef,
  sourceName,
  statusName,
  statusStyle,
} from "@/components/incidents/format";

export type IncidentRow = {
  id: string;
  number: number;
  title: string;
  status: IncidentStatus;
  severity: string;
  source: string;
  detectedAt: string;
  flag: { id: string; key: string; environmentKey: string } | null;
  ttaMs: number | null;
  ttmMs: number | null;
  ttrMs: number | null;
};

export function IncidentTable({ rows, slug }: { rows: IncidentRow[]; slug: string }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-left text-sm">
        <thead className="bg-slate-50 text-xs text-slate-500 uppercase">
          <tr>
            <th scope="col" className="px-3 py-2">
              Incident
            </th>
            <th scope="col" className="px-3 py-2">
              Severity
            </th>
            <th scope="col" className="px-3 py-2">
              Status
            </th>
            <th scope="col" className="px-3 py-2">
              Detected
            </th>
            <th scope="col" className="px-3 py-2">
              Flag
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              <abbr title="Time to acknowledge">TTA</abbr>
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              <abbr title="Time to mitigate">TTM</abbr>
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              <abbr title="Time to resolve">TTR</abbr>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((i) => (
            <tr
              key={i.id}
              className="border-t border-slate-100 align-top"
              data-testid="incident-row"
              data-number={i.number}
            >
              <td className="px-3 py-2">
                <Link href={`/p/${slug}/incidents/${i.id}`} className="font-medium text-brand-700 underline">
                  {incidentRef(i.number)}
                </Link>{" "}
                <span className="break-words">{i.title}</span>
                <div className="text-xs text-slate-500">{sourceName[i.source] ?? i.source}</div>
              </td>
              <td className="px-3 py-2">
                <SeverityBadge severity={i.severity} />
              </td>
              <td className="px-3 py-2">
                <span className={`${badgeClass} ${statusStyle[i.status]}`}>{statusName[i.status]}</span>
              </td>
              <td className="px-3 py-2 whitespace-nowrap text-slate-600">{formatTime(i.detectedAt)}</td>
              <td className="px-3 py-2">
                {i.flag ? (
                  <Link href={`/p/${slug}/flags/${i.flag.id}`} className="font-mono text-xs text-brand-700 underline">
                    {i.flag.key} ({i.flag.environmentKey})
                  </Link>
                ) : (
                  <span className="text-slate-400">—</span>
                )}
              </td>
              <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums">{formatDuration(i.ttaMs)}</td>
              <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums">{formatDuration(i.ttmMs)}</td>
              <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums">{formatDuration(i.ttrMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
