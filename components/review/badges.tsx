// Small labelled badges for triage fields; the text carries the meaning, colour only helps.
const severityStyle: Record<string, string> = {
  SEV1: "bg-red-600 text-white",
  SEV2: "bg-orange-100 text-orange-900",
  SEV3: "bg-yellow-100 text-yellow-900",
  SEV4: "bg-slate-100 text-slate-700",
};

const statusLabel: Record<string, string> = {
  NEW: "New",
  CLAIMED: "Claimed",
  WAITING_INFO: "Waiting for info",
  ESCALATED: "Escalated",
  RESOLVED: "Resolved",
  DISMISSED: "Dismissed",
};

const sourceLabel: Record<string, string> = { CLASSIFIER: "Classifier", REPORT: "Report", BOTH: "Classifier + report", SAMPLE: "Sample", GATE: "Release gate" };

export const statusName = (s: string) => statusLabel[s] ?? s;
export const sourceName = (s: string) => sourceLabel[s] ?? s;

export function SeverityBadge({ severity }: { severity: string }) {
  return <span className={`rounded px-1.5 py-0.5 text-xs font-semibold ${severityStyle[severity] ?? "bg-slate-100"}`}>{severity}</span>;
}

export function StatusBadge({ status }: { status: string }) {
  return <span className="rounded border border-slate-200 px-1.5 py-0.5 text-xs whitespace-nowrap text-slate-700">{statusName(status)}</span>;
}

export function SourceBadge({ source }: { source: string }) {
  return <span className="text-xs whitespace-nowrap text-slate-700">{sourceName(source)}</span>;
}
