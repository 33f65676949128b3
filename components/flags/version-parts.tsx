// Pieces of a flag version shared by the history and the pending approvals:
// its status, who asked and why, and what it changes.
import { badgeClass, effectStyle } from "@/components/flags/format";

export type VersionStatus = "APPLIED" | "PENDING_APPROVAL" | "REJECTED";
export type DiffLine = { text: string; effect: keyof typeof effectStyle };

const statusText: Record<VersionStatus, string> = {
  APPLIED: "applied",
  PENDING_APPROVAL: "pending approval",
  REJECTED: "rejected",
};
const statusStyle: Record<VersionStatus, string> = {
  APPLIED: "bg-green-50 text-green-800 ring-green-600/30",
  PENDING_APPROVAL: "bg-amber-50 text-amber-900 ring-amber-600/30",
  REJECTED: "bg-slate-100 text-slate-600 ring-slate-400/30",
};

export function StatusBadge({ status }: { status: VersionStatus }) {
  return (
    <span className={`${badgeClass} ${statusStyle[status]}`} data-testid="version-status">
      {statusText[status]}
    </span>
  );
}

export function Requested({
  who,
  when,
  reason,
  ticketUrl,
}: {
  who: string;
  when: string;
  reason: string;
  ticketUrl: string | null;
}) {
  return (
    <>
      <p className="text-xs text-slate-600">
        by <span className="font-medium text-slate-800">{who}</span> · <time>{when}</time>
      </p>
      <p className="mt-1 text-sm" data-testid="version-reason">
        <span className="text-slate-500">Reason: </span>
        {reason}
        {ticketUrl ? (
          <>
            {" · "}
            <a
              href={ticketUrl}
              target="_blank"
              rel="noopener noreferrer nofollow"
              className="font-medium text-brand-700 underline"
            >
              ticket
            </a>
          </>
        ) : null}
      </p>
    </>
  );
}

export function DiffList({ lines }: { lines: DiffLine[] }) {
  if (lines.length === 0) return null;
  return (
    <ul className="mt-2 space-y-1 text-sm" aria-label="Changes">
      {lines.map((l, i) => (
        <li key={i} className="flex flex-wrap items-baseline gap-2">
          <span className={`${badgeClass} ${effectStyle[l.effect]}`}>{l.effect}</span>
          <span className="break-all">{l.text}</span>
        </li>
      ))}
    </ul>
  );
}
