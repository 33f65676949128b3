// Business-time arithmetic for SLA deadlines: adding and measuring working minutes
// of a work calendar whose hours are wall-clock times in its own IANA time zone.
// Pure and dependency-free (offsets come from Intl), so the worker that sets
// deadlines and the console that previews them run the same code.
//
// Semantics, chosen once here so callers need not think about them:
// - Working time is real elapsed time inside each day's window. A window is bounded
//   by wall-clock times, so a 00:00–06:00 window lasts 5 h on a spring-forward night
//   and 7 h on a fall-back night, and a 24/7 calendar (every day, 0–1440) counts
//   exactly like calendar time.
// - A wall-clock time means the first instant the clock shows it or a later time:
//   a repeated time (autumn) is its first occurrence; a skipped time (spring) is the
//   instant the clock jumps past it. This keeps windows ordered and never overlapping.
// - Minutes may be fractional (policies are stored in seconds); arithmetic is in
//   whole milliseconds, so whole seconds round-trip exactly.
// - Cost is linear in the calendar days spanned, never in the minutes.

export type WorkCalendar = {
  mode: "CALENDAR" | "BUSINESS";
  /** IANA name, e.g. "Europe/Berlin". */
  timeZone: string;
  /** ISO weekdays 1 (Mon) … 7 (Sun). */
  workingDays: number[];
  /** Minutes after local midnight, e.g. 540 = 09:00. */
  workStartMinute: number;
  /** Minutes after local midnight, e.g. 1020 = 17:00; up to 1440 (next midnight); must be after the start. */
  workEndMinute: number;
};

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const DAY_MS = 24 * 60 * MINUTE_MS;
const MINUTES_PER_DAY = 24 * 60;
/** Largest time value a Date can hold. */
const MAX_TIME = 8.64e15;
/** Last local day whose window can be computed (offset look-ups reach a day either side). */
const LAST_DAY = Math.floor(MAX_TIME / DAY_MS) - 2;

/**
 * Problems that make a calendar unusable, in words a project admin can act on;
 * empty when it is valid. Every field is checked whatever the mode, so switching a
 * policy from CALENDAR to BUSINESS cannot uncover a calendar that was always broken.
 */
export function calendarProblems(cal: WorkCalendar): string[] {
  const problems: string[] = [];
  if (cal.mode !== "CALENDAR" && cal.mode !== "BUSINESS") {
    problems.push(`mode must be "CALENDAR" or "BUSINESS", not ${JSON.stringify(cal.mode)}`);
  }
  if (typeof cal.timeZone !== "string" || !isTimeZone(cal.timeZone)) {
    problems.push(`timeZone ${JSON.stringify(cal.timeZone)} is not an IANA time zone (e.g. "Europe/Berlin")`);
  }
  if (!Array.isArray(cal.workingDays)) {
    problems.push("workingDays must be a list of ISO weekdays, 1 (Monday) to 7 (Sunday)");
  } else if (cal.workingDays.length === 0) {
    problems.push("workingDays is empty: at least one working day is needed");
  } else {
    const seen = new Set<number>();
    for (const day of cal.workingDays) {
      if (!Number.isInteger(day) || day < 1 || day > 7) {
        problems.push(`workingDays contains ${JSON.stringify(day)}: days are ISO weekdays 1 (Monday) to 7 (Sunday)`);
      } else if (seen.has(day)) {
        problems.push(`workingDays lists ${day} more than once`);
      }
      seen.add(day);
    }
  }
  const startOk = isMinuteOfDay(cal.workStartMinute, 0, MINUTES_PER_DAY - 1);
  const endOk = isMinuteOfDay(cal.workEndMinute, 1, MINUTES_PER_DAY);
  if (!startOk) {
    problems.push(`workStartMinute must be a whole number from 0 to 1439, not ${JSON.stringify(cal.workStartMinute)}`);
  }
  if (!endOk) {
    problems.push(`workEndMinute must be a whole number from 1 to 1440, not ${JSON.stringify(cal.workEndMinute)}`);
  }
  if (startOk && endOk && cal.workEndMinute <= cal.workStartMinute) {
    problems.push(
      `workEndMinute (${clock(cal.workEndMinute)}) must be after workStartMinute (${clock(cal.workStartMinute)})`,
    );
  }
  return problems;
}

/**
 * The instant `minutes` of working time after `start` (CALENDAR mode: plain addition).
 *
 * In BUSINESS mode a start outside working hours begins counting at the next
 * window, and a deadline that uses up a window exactly is that window's close
 * (Friday 16:00 + 60 min is Friday 17:00, not Monday 09:00). Zero minutes returns
 * `start` itself in both modes, even outside working hours: nothing is owed, so the
 * deadline is now, not when the office next opens.
 *
 * @throws Error for an invalid calendar; RangeError for an invalid Date or for
 *   minutes that are negative, not finite, or reach past the Date range.
 */
export function addWorkingMinutes(start: Date, minutes: number, cal: WorkCalendar): Date {
  assertCalendar(cal);
  const from = timeOf(start, "start");
  if (!Number.isFinite(minutes) || minutes < 0) {
    throw new RangeError(`minutes must be a finite number of at least 0, not ${minutes}`);
  }
  let remaining = Math.round(minutes * MINUTE_MS);
  const pastRange = () => new RangeError(`${minutes} minutes after ${start.toISOString()} is past the Date range`);
  if (from + remaining > MAX_TIME) throw pastRange();
  if (cal.mode === "CALENDAR" || remaining === 0) return new Date(from + remaining);

  const zone = formatterFor(cal.timeZone);
  for (let day = localDay(zone, from); ; day++) {
    if (day > LAST_DAY) throw pastRange();
    if (!cal.workingDays.includes(isoWeekday(day))) continue;
    const [open, close] = windowOn(zone, cal, day);
    const begin = Math.max(open, from);
    if (close <= begin) continue;
    if (remaining <= close - begin) return new Date(begin + remaining);
    remaining -= close - begin;
  }
}

/**
 * Working minutes elapsed between two instants (CALENDAR: plain difference in
 * minutes). Negative when `b` is before `a`; fractional when an instant is not on
 * a whole minute. `workingMinutesBetween(a, addWorkingMinutes(a, m, cal), cal) === m`.
 *
 * @throws Error for an invalid calendar; RangeError for an invalid Date.
 */
export function workingMinutesBetween(a: Date, b: Date, cal: WorkCalendar): number {
  assertCalendar(cal);
  const from = timeOf(a, "a");
  const to = timeOf(b, "b");
  if (cal.mode === "CALENDAR") return (to - from) / MINUTE_MS;
  const zone = formatterFor(cal.timeZone);
  if (to < from) {
    const back = workingMs(zone, cal, to, from);
    return back === 0 ? 0 : -back / MINUTE_MS;
  }
  return workingMs(zone, cal, from, to) / MINUTE_MS;
}

/** Working milliseconds in [from, to], from <= to. */
function workingMs(zone: Intl.DateTimeFormat, cal: WorkCalendar, from: number, to: number): number {
  let total = 0;
  // One day past `to`'s local date: a clock turned back over midnight can open the
  // next day's window while still showing the previous date.
  const lastDay = localDay(zone, to) + 1;
  for (let day = localDay(zone, from); day <= lastDay; day++) {
    if (!cal.workingDays.includes(isoWeekday(day))) continue;
    const [open, close] = windowOn(zone, cal, day);
    if (open >= to) break;
    total += Math.max(0, Math.min(close, to) - Math.max(open, from));
  }
  return total;
}

function assertCalendar(cal: WorkCalendar): void {
  const problems = calendarProblems(cal);
  if (problems.length > 0) throw new Error(`Invalid work calendar: ${problems.join("; ")}`);
}

function timeOf(date: Date, name: string): number {
  const t = date instanceof Date ? date.getTime() : NaN;
  if (Number.isNaN(t)) throw new RangeError(`${name} is not a valid Date`);
  return t;
}

function isMinuteOfDay(value: unknown, min: number, max: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

function clock(minuteOfDay: number): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(minuteOfDay / 60))}:${pad(minuteOfDay % 60)}`;
}

// --- Time-zone arithmetic. A "day" is a local calendar date counted in days since
// 1970-01-01; a "wall" time is a local date-time as milliseconds since the local epoch.

// Constructing a formatter costs far more than using one; zone names are a small set.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let zone = formatters.get(timeZone);
  if (!zone) {
    zone = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, zone);
  }
  return zone;
}

function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

// `format` and a fixed en-US pattern, because `formatToParts` is several times slower
// and this is the innermost call.
const EN_US_DATE_TIME = /^(\d+)\/(\d+)\/(\d+), (\d+):(\d+):(\d+)$/;

/** The zone's UTC offset at instant `t`, in milliseconds (tzdb offsets are whole seconds). */
function offsetAt(zone: Intl.DateTimeFormat, t: number): number {
  const text = zone.format(t);
  const m = EN_US_DATE_TIME.exec(text);
  if (!m) throw new Error(`Unexpected date format from Intl.DateTimeFormat: ${JSON.stringify(text)}`);
  const part = (i: number) => Number(m[i]);
  // setUTCFullYear, not Date.UTC, which reads years 0–99 as 1900–1999.
  const date = new Date(0).setUTCFullYear(part(3), part(1) - 1, part(2));
  const wall = date + ((part(4) * 60 + part(5)) * 60 + part(6)) * SECOND_MS;
  return wall - (t - mod(t, SECOND_MS));
}

function localDay(zone: Intl.DateTimeFormat, t: number): number {
  return Math.floor((t + offsetAt(zone, t)) / DAY_MS);
}

function isoWeekday(day: number): number {
  return mod(day + 3, 7) + 1; // 1970-01-01 was a Thursday
}

/** Day `day`'s working window as instants; empty (open === close) if its hours were skipped. */
function windowOn(zone: Intl.DateTimeFormat, cal: WorkCalendar, day: number): [number, number] {
  const midnight = day * DAY_MS;
  return [
    instantOfWall(zone, midnight + cal.workStartMinute * MINUTE_MS),
    instantOfWall(zone, midnight + cal.workEndMinute * MINUTE_MS),
  ];
}

/** The first instant at which the zone's clock shows `wall` or later. */
function instantOfWall(zone: Intl.DateTimeFormat, wall: number): number {
  // Offsets are within ±14 h, so the offsets a day either side bracket any transition
  // near `wall`, provided no zone changes offset twice within two days (none does in
  // tzdb from 1970 to 2040).
  const before = offsetAt(zone, wall - DAY_MS);
  const after = offsetAt(zone, wall + DAY_MS);
  let first = Infinity;
  for (const offset of before === after ? [before] : [before, after]) {
    const t = wall - offset;
    if (offsetAt(zone, t) === offset) first = Math.min(first, t);
  }
  if (first !== Infinity) return first;

  // `wall` was skipped: bisect for the transition, which tzdb puts on a whole second.
  let lo = wall - Math.max(before, after); // the clock shows less than `wall`
  let hi = wall - Math.min(before, after); // the clock shows more than `wall`
  while (hi - lo > SECOND_MS) {
    const mid = lo + Math.floor((hi - lo) / (2 * SECOND_MS)) * SECOND_MS;
    if (mid + offsetAt(zone, mid) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

function mod(n: number, d: number): number {
  return ((n % d) + d) % d;
}
