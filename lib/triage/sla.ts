// SLA deadlines for a triage item from its project's policy for the severity.
import type { Sev } from "@/lib/triage/severity";
import { defaultSlaPolicies } from "@/lib/projects/defaults";

export type SlaPolicyLike = { firstTriageSeconds: number; resolutionSeconds: number; atRiskPercent: number };

const fallback = {} as Record<Sev, SlaPolicyLike>;
for (const p of defaultSlaPolicies) fallback[p.severity] = { ...p, atRiskPercent: 75 };
/** Used when a project has no policy for a severity. */
export const fallbackPolicies: Readonly<Record<Sev, SlaPolicyLike>> = fallback;

/** Deadlines of an item created at `createdAt`, shifted by time spent paused. */
export function slaDeadlines(createdAt: Date, policy: SlaPolicyLike, pausedMs = 0) {
  const t = createdAt.getTime() + pausedMs;
  const first = policy.firstTriageSeconds * 1000;
  return {
    firstTriageDueAt: new Date(t + first),
    resolutionDueAt: new Date(t + policy.resolutionSeconds * 1000),
    atRiskAt: new Date(t + Math.round((first * policy.atRiskPercent) / 100)),
  };
}
