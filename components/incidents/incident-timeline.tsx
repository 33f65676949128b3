// An incident's timeline, oldest first: each entry with when, what, and who
// or what did it. Messages are untrusted text (rule descriptions, people's
// notes) and are rendered as text.
import Link from "next/link";
import { actorText, eventKindText, formatTime } from "@/components/incidents/format";
import { percent } from "@/components/flags/format";

export type TimelineEntry = {
  id: string;
  kind: string;
  message: string;
  at: string;
  actorType: string;
  actorLabel: string | null;
  flagVersion: { version: number; flagKey: string; exposureBps: number; href: string | null } | null;
  triageItemHref: string | null;
};

const milestone = new Set(["impact_started", "detected", "acknowledged", "mitigated", "resolved"]);

const dotStyle: Record<string, string> = {
  impact_started: "bg-red-600",
  detected: "bg-orange-500",
  acknowledged: "bg-amber-500",
  mitigated: "bg-blue-600",
  resolved: "bg-green-600",
};

export function IncidentTimeline({ entries }: { entries: TimelineEntry[] }) {
  return (
    <ol className="relative space-y-4 border-l border-slate-200 pl-5" data-testid="timeline">
      {entries.map((e) => (
        <li key={e.id} className="relative" data-testid="timeline-entry" data-kind={e.kind}>
          <span
            aria-hidden
            className={`absolute top-1.5 -left-[25px] h-2.5 w-2.5 rounded-full ring-2 ring-white ${dotStyle[e.kind] ?? "bg-slate-400"}`}
          />
          <div className="flex flex-wrap items-baseline gap-x-2 text-sm">
            <span className={milestone.has(e.kind) ? "font-semibold text-slate-900" : "font-medium text-slate-700"}>
              {eventKindText(e.kind)}
            </span>
            <time dateTime={e.at} className="text-xs text-slate-500 tabular-nums">
              {formatTime(e.at)}
            </time>
            <span className="text-xs text-slate-500">by {actorText(e.actorType, e.actorLabel)}</span>
          </div>
          <p className="mt-0.5 text-sm break-words whitespace-pre-wrap text-slate-700">{e.message}</p>
          {e.flagVersion ? (
            <p className="mt-0.5 text-xs text-slate-600">
              Flag version:{" "}
              {e.flagVersion.href ? (
                <Link href={e.flagVersion.href} className="font-mono text-brand-700 underline">
                  {e.flagVersion.flagKey} v{e.flagVersion.version}
                </Link>
              ) : (
                <span className="font-mono">
                  {e.flagVersion.flagKey} v{e.flagVersion.version}
                </span>
              )}{" "}
              ({percent(e.flagVersion.exposureBps)} exposed)
            </p>
          ) : null}
          {e.triageItemHref ? (
            <p className="mt-0.5 text-xs">
              <Link href={e.triageItemHref} className="text-brand-700 underline">
                Open the triage item
              </Link>
            </p>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
