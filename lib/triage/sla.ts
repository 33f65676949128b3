// SLA deadlines for a triage item from its project's policy for the severity.
import type { Sev } from "@/lib/triage/severity";
import { defaultSlaPolicies } from "@/lib/projects/defaults";
import { addWorkingMinutes, workingMinutesBetween, type WorkCalendar } from "@/lib/triage/business-hours";

export type SlaPolicyLike = {
  firstTriageSeconds: number;
  resolutionSeconds: number;
  atRiskPercent: number;
  /** Absent: calendar time. */
  calendar?: "CALENDAR" | "BUSINESS";
  timeZone?: string;
  workingDays?: number[];
  workStartMinute?: number;
  workEndMinute?: number;
};

export function workCalendarOf(policy: SlaPolicyLike): WorkCalendar {
  return {
    mode: policy.calendar ?? "CALENDAR",
    timeZone: policy.timeZone ?? "UTC",
    workingDays: policy.workingDays ?? [1, 2, 3, 4, 5, 6, 7],
    workStartMinute: policy.workStartMinute ?? 0,
    workEndMinute: policy.workEndMinute ?? 1440,
  };
}

const fallback = {} as Record<Sev, SlaPolicyLike>;
for (const p of defaultSlaPolicies) fallback[p.severity] = { ...p, atRiskPercent: 75 };
/** Used when a project has no policy for a severity. */
export const fallbackPolicies: Readonly<Record<Sev, SlaPolicyLike>> = fallback;

/**
 * Deadlines of an item created at `createdAt`, in the policy's calendar
 * (business hours count only working time), shifted by working time spent
 * paused (`pausedMinutes`).
 */
export function slaDeadlines(createdAt: Date, policy: SlaPolicyLike, pausedMinutes = 0) {
  const cal = workCalendarOf(policy);
  const first = policy.firstTriageSeconds / 60;
  const at = (minutes: number) => addWorkingMinutes(createdAt, minutes + pausedMinutes, cal);
  return {
    firstTriageDueAt: at(first),
    resolutionDueAt: at(policy.resolutionSeconds / 60),
    atRiskAt: at((first * policy.atRiskPercent) / 100),
  };
}

/** A deadline moved by the working time that passed while the item was paused. */
export function shiftForPause(deadline: Date | null, pausedAt: Date, resumedAt: Date, policy: SlaPolicyLike): Date | null {
  if (!deadline) return null;
  const cal = workCalendarOf(policy);
  return addWorkingMinutes(deadline, Math.max(0, workingMinutesBetween(pausedAt, resumedAt, cal)), cal);
}
