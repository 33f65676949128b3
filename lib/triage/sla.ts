// SLA deadlines for a triage item from its project's policy for the
// severity. Calendar time only for now: business-hours policies are stored
// but computed as calendar time until the SLA engine lands (see the issue note).
import type { Sev } from "@/lib/triage/severity";

export type SlaPolicyLike = { firstTriageMinutes: number; resolutionMinutes: number; atRiskPercent: number };

export const fallbackPolicies: Record<Sev, SlaPolicyLike> = {
  SEV1: { firstTriageMinutes: 30, resolutionMinutes: 240, atRiskPercent: 75 },
  SEV2: { firstTriageMinutes: 240, resolutionMinutes: 1440, atRiskPercent: 75 },
  SEV3: { firstTriageMinutes: 1440, resolutionMinutes: 4320, atRiskPercent: 75 },
  SEV4: { firstTriageMinutes: 4320, resolutionMinutes: 10080, atRiskPercent: 75 },
};

export function slaDeadlines(createdAt: Date, policy: SlaPolicyLike) {
  const t = createdAt.getTime();
  const first = policy.firstTriageMinutes * 60_000;
  return {
    firstTriageDueAt: new Date(t + first),
    resolutionDueAt: new Date(t + policy.resolutionMinutes * 60_000),
    atRiskAt: new Date(t + Math.round((first * policy.atRiskPercent) / 100)),
  };
}
