// How the incident console words statuses, timeline entries and durations. Client-safe.
import type { IncidentStatus } from "@/lib/incidents/status";

export const statusName: Record<IncidentStatus, string> = {
  OPEN: "Open",
  ACKNOWLEDGED: "Acknowledged",
  MITIGATED: "Mitigated",
  RESOLVED: "Resolved",
};

export const statusStyle: Record<IncidentStatus, string> = {
  OPEN: "bg-red-50 text-red-800 ring-red-600/30",
  ACKNOWLEDGED: "bg-amber-50 text-amber-900 ring-amber-600/30",
  MITIGATED: "bg-blue-50 text-blue-800 ring-blue-600/30",
  RESOLVED: "bg-green-50 text-green-800 ring-green-600/30",
};

export const sourceName: Record<string, string> = { MANUAL: "Opened by hand", AUTOMATED: "Rollback rule" };

/** Timeline entries by kind, as a person reads them. */
const eventKindName: Record<string, string> = {
  impact_started: "Impact started",
  detected: "Detected",
  acknowledged: "Acknowledged",
  mitigated: "Mitigated",
  resolved: "Resolved",
  note: "Note",
  postmortem: "Postmortem",
  flag_change: "Flag change",
  rule_evaluation: "Rule evaluation",
  triage_link: "Triage item",
};

export const eventKindText = (kind: string) => eventKindName[kind] ?? kind;

/** Who did it: a person's email, a rule's name, or the system. */
export function actorText(actorType: string, actorLabel: string | null): string {
  if (actorType === "RULE") return `rule “${actorLabel ?? "deleted rule"}”`;
  if (actorType === "SYSTEM") return actorLabel ? `${actorLabel} (automation)` : "automation";
  if (actorType === "API_KEY") return `API key ${actorLabel ?? ""}`.trim();
  return actorLabel ?? "a deleted account";
}

/** A duration for people: "45 s", "12 min 5 s", "3 h 20 min", "2 d 4 h"; an em dash when not reached. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return "—";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** An instant as the same text on the server and in every browser, to the second. */
export function formatTime(iso: string): string {
  return `${iso.slice(0, 19).replace("T", " ")} UTC`;
}

export const incidentRef = (number: number) => `INC-${number}`;
