// What a severity's SLA policy is when the project has no row for it: the shipped
// targets (lib/projects/defaults.ts) with the column defaults of SlaPolicy, which
// is what triage (lib/triage/sla.ts) falls back to as well.
import { defaultSlaPolicies } from "@/lib/projects/defaults";
import type { Sev } from "@/lib/triage/severity";
import type { SlaPolicyValues } from "@/lib/triage-settings/schemas";

export function defaultSlaPolicy(severity: Sev): SlaPolicyValues {
  const p = defaultSlaPolicies.find((d) => d.severity === severity);
  if (!p) throw new Error(`No default SLA policy for ${severity}`);
  return {
    severity,
    firstTriageSeconds: p.firstTriageSeconds,
    resolutionSeconds: p.resolutionSeconds,
    atRiskPercent: 75,
    calendar: "CALENDAR",
    timeZone: "UTC",
    workingDays: [1, 2, 3, 4, 5],
    workStartMinute: 9 * 60,
    workEndMinute: 17 * 60,
  };
}
