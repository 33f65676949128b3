// Conversions between what triage stores (seconds, minutes after midnight, basis
// points) and what an admin types (minutes or hours, HH:MM, percent). Client-safe.

export const durationUnits = { minutes: 60, hours: 3600 } as const;
export type DurationUnit = keyof typeof durationUnits;

/** A stored target as the form shows it: whole hours when it is whole hours, else minutes. */
export function durationOf(seconds: number): { value: string; unit: DurationUnit } {
  if (seconds % durationUnits.hours === 0) return { value: String(seconds / durationUnits.hours), unit: "hours" };
  return { value: String(Number((seconds / durationUnits.minutes).toFixed(2))), unit: "minutes" };
}

export function formatDuration(seconds: number): string {
  const { value, unit } = durationOf(seconds);
  return `${value} ${value === "1" ? unit.slice(0, -1) : unit}`;
}

/** Minutes after midnight as HH:MM (1440 is "24:00", the next midnight). */
export function clockOf(minuteOfDay: number): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(minuteOfDay / 60))}:${pad(minuteOfDay % 60)}`;
}

/** "HH:MM" (or "H:MM") as minutes after midnight; null when it is not a clock time up to 24:00. */
export function minuteOfClock(text: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const hours = Number(m[1]);
  const minutes = Number(m[2]);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes > 0)) return null;
  return hours * 60 + minutes;
}

/** Basis points as a percent with at most two decimals ("2.5" for 250). */
export function percentOfBps(bps: number): string {
  return String(bps / 100);
}

/** A percent typed with at most two decimals as basis points; null when it is not one from 0 to 100. */
export function bpsOfPercent(text: string): number | null {
  const s = text.trim().replace(/\s*%$/, "");
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(s)) return null;
  const bps = Math.round(Number(s) * 100);
  return bps <= 10_000 ? bps : null;
}

/** The canonical IANA name of a time zone ("europe/berlin" → "Europe/Berlin"); null when Intl does not know it. */
export function canonicalTimeZone(name: string): string | null {
  const s = name.trim();
  // Intl also accepts UTC offsets such as "+01:00", which are not zones: they ignore daylight saving.
  if (!/^[A-Za-z]/.test(s)) return null;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: s }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

export const weekdays = [
  { iso: 1, short: "Mon" },
  { iso: 2, short: "Tue" },
  { iso: 3, short: "Wed" },
  { iso: 4, short: "Thu" },
  { iso: 5, short: "Fri" },
  { iso: 6, short: "Sat" },
  { iso: 7, short: "Sun" },
] as const;
