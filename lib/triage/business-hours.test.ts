import { describe, expect, it } from "vitest";
import { addWorkingMinutes, calendarProblems, workingMinutesBetween, type WorkCalendar } from "./business-hours";

const officeHours = (timeZone: string, overrides: Partial<WorkCalendar> = {}): WorkCalendar => ({
  mode: "BUSINESS",
  timeZone,
  workingDays: [1, 2, 3, 4, 5],
  workStartMinute: 9 * 60,
  workEndMinute: 17 * 60,
  ...overrides,
});
const berlin = officeHours("Europe/Berlin");
const newYork = officeHours("America/New_York");
const allDays = [1, 2, 3, 4, 5, 6, 7];
const roundTheClock = (timeZone: string) =>
  officeHours(timeZone, { workingDays: allDays, workStartMinute: 0, workEndMinute: 1440 });
const nightly = (timeZone: string, workStartMinute: number, workEndMinute: number) =>
  officeHours(timeZone, { workingDays: allDays, workStartMinute, workEndMinute });

/** Instants are written with their local offset so each case reads as wall-clock time. */
const at = (isoWithOffset: string) => new Date(isoWithOffset);

describe("addWorkingMinutes in office hours", () => {
  it.each([
    ["Friday 16:30 + 60 → Monday 09:30", "2025-01-10T16:30+01:00", 60, "2025-01-13T09:30+01:00"],
    ["a Saturday start counts from Monday's opening", "2025-01-11T10:00+01:00", 30, "2025-01-13T09:30+01:00"],
    ["a 07:00 start counts from 09:00", "2025-01-14T07:00+01:00", 90, "2025-01-14T10:30+01:00"],
    ["a start after closing counts from the next morning", "2025-01-14T18:00+01:00", 30, "2025-01-15T09:30+01:00"],
    ["using up a window exactly ends at its close", "2025-01-10T16:00+01:00", 60, "2025-01-10T17:00+01:00"],
    ["one minute more rolls over the weekend", "2025-01-10T16:00+01:00", 61, "2025-01-13T09:01+01:00"],
    [
      "7 days of working time (10,080 min) is 21 working days",
      "2025-01-06T09:00+01:00",
      10_080,
      "2025-02-03T17:00+01:00",
    ],
  ])("%s", (_name, start, minutes, expected) => {
    expect(addWorkingMinutes(at(start), minutes, berlin)).toEqual(at(expected));
  });

  it("returns the start itself for zero minutes, even outside working hours", () => {
    const saturday = at("2025-01-11T10:00+01:00");
    expect(addWorkingMinutes(saturday, 0, berlin)).toEqual(saturday);
    expect(addWorkingMinutes(saturday, 0, berlin)).not.toBe(saturday);
  });

  it("takes fractional minutes to the millisecond (policies are stored in seconds)", () => {
    const start = at("2025-01-10T16:59:00+01:00");
    const end = addWorkingMinutes(start, 90 / 60, berlin);
    expect(end).toEqual(at("2025-01-13T09:00:30+01:00"));
    expect(workingMinutesBetween(start, end, berlin)).toBe(1.5);
  });

  it("honours working days that include the weekend", () => {
    const sundayToThursday = officeHours("Asia/Jerusalem", { workingDays: [7, 1, 2, 3, 4] });
    // Thursday 16:00 + 2 h → Sunday 10:00 (Israel Standard Time, +02:00).
    expect(addWorkingMinutes(at("2025-01-09T16:00+02:00"), 120, sundayToThursday)).toEqual(
      at("2025-01-12T10:00+02:00"),
    );
  });

  it("is plain addition in CALENDAR mode, whatever the hours", () => {
    const calendar = { ...berlin, mode: "CALENDAR" as const };
    const saturday = at("2025-01-11T22:00+01:00");
    expect(addWorkingMinutes(saturday, 90, calendar)).toEqual(at("2025-01-11T23:30+01:00"));
    expect(workingMinutesBetween(saturday, at("2025-01-11T23:30+01:00"), calendar)).toBe(90);
  });
});

describe("daylight-saving transitions", () => {
  // Europe/Berlin: 2025-03-30 02:00 CET → 03:00 CEST; 2025-10-26 03:00 CEST → 02:00 CET.
  it("keeps office hours in local time across the spring-forward night", () => {
    const end = addWorkingMinutes(at("2025-03-28T16:00+01:00"), 120, berlin);
    expect(end).toEqual(at("2025-03-31T10:00+02:00"));
  });

  it("keeps office hours in local time across the fall-back night", () => {
    const end = addWorkingMinutes(at("2025-10-24T16:00+02:00"), 120, berlin);
    expect(end).toEqual(at("2025-10-27T10:00+01:00"));
  });

  it("counts real elapsed time on a 24/7 calendar (4 h across spring-forward shows as 5 h on the clock)", () => {
    const cal = roundTheClock("Europe/Berlin");
    const start = at("2025-03-29T23:00+01:00");
    expect(addWorkingMinutes(start, 240, cal)).toEqual(at("2025-03-30T04:00+02:00"));
  });

  it("counts real elapsed time on a 24/7 calendar across fall-back, into the repeated hour", () => {
    const cal = roundTheClock("Europe/Berlin");
    expect(addWorkingMinutes(at("2025-10-25T23:00+02:00"), 240, cal)).toEqual(at("2025-10-26T02:00+01:00"));
  });

  it("makes a 00:00–06:00 window 5 h long in spring and 7 h long in autumn", () => {
    const cal = nightly("Europe/Berlin", 0, 360);
    expect(workingMinutesBetween(at("2025-03-30T00:00+01:00"), at("2025-03-30T06:00+02:00"), cal)).toBe(300);
    expect(workingMinutesBetween(at("2025-10-26T00:00+02:00"), at("2025-10-26T06:00+01:00"), cal)).toBe(420);
  });

  it("opens a window whose start was skipped when the clock jumps past it", () => {
    const cal = nightly("Europe/Berlin", 150, 300); // 02:30–05:00; 02:30 does not exist on 30 March
    expect(addWorkingMinutes(at("2025-03-30T00:00+01:00"), 1, cal)).toEqual(at("2025-03-30T03:01+02:00"));
    expect(workingMinutesBetween(at("2025-03-30T00:00+01:00"), at("2025-03-30T12:00+02:00"), cal)).toBe(120);
  });

  it("opens a window whose start is repeated at its first occurrence", () => {
    const cal = nightly("Europe/Berlin", 150, 210); // 02:30–03:30; 02:30 happens twice on 26 October
    expect(addWorkingMinutes(at("2025-10-26T00:00+02:00"), 1, cal)).toEqual(at("2025-10-26T02:31+02:00"));
    expect(workingMinutesBetween(at("2025-10-26T00:00+02:00"), at("2025-10-26T12:00+01:00"), cal)).toBe(120);
  });

  it("handles New York's transitions (second Sunday of March, first Sunday of November)", () => {
    expect(addWorkingMinutes(at("2025-03-07T16:00-05:00"), 120, newYork)).toEqual(at("2025-03-10T10:00-04:00"));
    expect(addWorkingMinutes(at("2025-10-31T16:00-04:00"), 120, newYork)).toEqual(at("2025-11-03T10:00-05:00"));
    const cal = roundTheClock("America/New_York");
    expect(addWorkingMinutes(at("2025-11-01T23:00-04:00"), 180, cal)).toEqual(at("2025-11-02T01:00-05:00"));
  });

  it("skips a date the zone removed from its calendar (Samoa, 30 December 2011)", () => {
    const apia = officeHours("Pacific/Apia", { workingDays: allDays });
    // Thursday 29 December ran on UTC−10; the next local date was Saturday 31 December on UTC+14.
    expect(addWorkingMinutes(at("2011-12-29T16:00-10:00"), 120, apia)).toEqual(at("2011-12-31T10:00+14:00"));
  });
});

describe("24/7 calendar", () => {
  it.each(["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC"])(
    "matches calendar time in %s",
    (zone) => {
      const cal = roundTheClock(zone);
      const rng = mulberry32(7);
      for (let i = 0; i < 50; i++) {
        const start = randomInstant(rng);
        const minutes = Math.floor(rng() * 60 * 24 * 90);
        expect(addWorkingMinutes(start, minutes, cal).getTime() - start.getTime()).toBe(minutes * 60_000);
      }
    },
  );
});

describe("workingMinutesBetween", () => {
  it("counts working minutes over a weekend", () => {
    expect(workingMinutesBetween(at("2025-01-10T16:00+01:00"), at("2025-01-13T10:00+01:00"), berlin)).toBe(120);
  });

  it("is negative when the second instant is earlier, and zero (not -0) when nothing is worked", () => {
    expect(workingMinutesBetween(at("2025-01-13T10:00+01:00"), at("2025-01-10T16:00+01:00"), berlin)).toBe(-120);
    expect(workingMinutesBetween(at("2025-01-12T10:00+01:00"), at("2025-01-11T10:00+01:00"), berlin)).toBe(0);
  });

  it("counts the part of a window after a start inside it", () => {
    expect(workingMinutesBetween(at("2025-01-14T16:59:30+01:00"), at("2025-01-15T09:00:15+01:00"), berlin)).toBe(0.75);
  });
});

describe("round trip: workingMinutesBetween(a, addWorkingMinutes(a, m)) === m", () => {
  // Zones with DST, half- and quarter-hour offsets (Kolkata +5:30, Kathmandu +5:45,
  // Chatham +12:45/+13:45, St John's −3:30/−2:30), a 30-minute DST shift (Lord Howe)
  // and southern-hemisphere DST.
  const zones = [
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "America/St_Johns",
    "Australia/Lord_Howe",
    "Australia/Adelaide",
    "America/Santiago",
    "UTC",
  ];

  it("holds for random starts, durations, calendars and zones", () => {
    const rng = mulberry32(20250330);
    for (let i = 0; i < 1000; i++) {
      const cal = randomCalendar(rng, pick(rng, zones));
      const start = randomInstant(rng);
      const weeklyMinutes = cal.workingDays.length * (cal.workEndMinute - cal.workStartMinute);
      const minutes = Math.floor(rng() * weeklyMinutes * 8);
      const end = addWorkingMinutes(start, minutes, cal);
      const context = JSON.stringify({ cal, start, minutes, end });
      expect(workingMinutesBetween(start, end, cal), context).toBe(minutes);
      expect(end.getTime(), context).toBeGreaterThanOrEqual(start.getTime());
      if (minutes > 0)
        expect(addWorkingMinutes(start, minutes - 1, cal).getTime(), context).toBeLessThan(end.getTime());
    }
  });

  it("holds for durations in whole seconds", () => {
    const rng = mulberry32(42);
    for (let i = 0; i < 300; i++) {
      const cal = randomCalendar(rng, pick(rng, zones));
      const start = randomInstant(rng);
      const minutes = Math.floor(rng() * 200_000) / 60;
      expect(workingMinutesBetween(start, addWorkingMinutes(start, minutes, cal), cal)).toBe(minutes);
    }
  });

  it("adds up across an intermediate instant", () => {
    const rng = mulberry32(99);
    for (let i = 0; i < 300; i++) {
      const cal = randomCalendar(rng, pick(rng, zones));
      const a = randomInstant(rng);
      const b = new Date(a.getTime() + Math.floor(rng() * 60 * 86_400_000));
      const c = new Date(b.getTime() + Math.floor(rng() * 60 * 86_400_000));
      const whole = workingMinutesBetween(a, c, cal);
      expect(workingMinutesBetween(a, b, cal) + workingMinutesBetween(b, c, cal)).toBeCloseTo(whole, 6);
    }
  });
});

describe("agrees with a minute-by-minute count in fixed-offset zones", () => {
  // Offsets these zones have kept since before 2000, so the reference needs no Intl.
  const fixedOffsetMinutes: Record<string, number> = {
    "Asia/Kolkata": 330,
    "Asia/Kathmandu": 345,
    "Asia/Tokyo": 540,
    "America/Phoenix": -420,
    UTC: 0,
  };

  /** The end of the `minutes`-th working minute counted one minute at a time. */
  function slowAdd(start: Date, minutes: number, cal: WorkCalendar, offset: number): Date {
    let t = start.getTime();
    for (let counted = 0; counted < minutes; t += 60_000) {
      const local = new Date(t + offset * 60_000);
      const weekday = local.getUTCDay() === 0 ? 7 : local.getUTCDay();
      const minuteOfDay = local.getUTCHours() * 60 + local.getUTCMinutes();
      if (cal.workingDays.includes(weekday) && minuteOfDay >= cal.workStartMinute && minuteOfDay < cal.workEndMinute) {
        counted++;
      }
    }
    return new Date(t);
  }

  it("for random calendars", () => {
    const rng = mulberry32(5);
    for (let i = 0; i < 60; i++) {
      const zone = pick(rng, Object.keys(fixedOffsetMinutes));
      const cal = randomCalendar(rng, zone);
      const start = new Date(Math.floor(randomInstant(rng).getTime() / 60_000) * 60_000);
      const minutes = 1 + Math.floor(rng() * 3000);
      expect(addWorkingMinutes(start, minutes, cal), JSON.stringify({ cal, start, minutes })).toEqual(
        slowAdd(start, minutes, cal, fixedOffsetMinutes[zone]!),
      );
    }
  });
});

describe("invalid calendars", () => {
  it("accepts a valid calendar", () => {
    expect(calendarProblems(berlin)).toEqual([]);
    expect(calendarProblems(roundTheClock("Asia/Kathmandu"))).toEqual([]);
  });

  it.each([
    ["an unknown time zone", { timeZone: "Mars/Olympus" }, /timeZone "Mars\/Olympus" is not an IANA time zone/],
    ["an empty time zone", { timeZone: "" }, /timeZone "" is not an IANA time zone/],
    ["no working days", { workingDays: [] }, /workingDays is empty/],
    ["a weekday out of range", { workingDays: [0, 1] }, /workingDays contains 0/],
    ["a repeated weekday", { workingDays: [1, 1] }, /workingDays lists 1 more than once/],
    [
      "an end before the start",
      { workStartMinute: 1020, workEndMinute: 540 },
      /workEndMinute \(09:00\) must be after workStartMinute \(17:00\)/,
    ],
    ["an end equal to the start", { workStartMinute: 540, workEndMinute: 540 }, /must be after workStartMinute/],
    [
      "a start past midnight",
      { workStartMinute: 1440, workEndMinute: 1440 },
      /workStartMinute must be a whole number from 0 to 1439/,
    ],
    ["a fractional end", { workEndMinute: 1020.5 }, /workEndMinute must be a whole number from 1 to 1440/],
  ])("rejects %s", (_name, overrides, problem) => {
    const cal = { ...berlin, ...overrides };
    expect(calendarProblems(cal)).toEqual([expect.stringMatching(problem)]);
    expect(() => addWorkingMinutes(at("2025-01-10T16:00+01:00"), 60, cal)).toThrow(problem);
    expect(() => workingMinutesBetween(at("2025-01-10T16:00+01:00"), at("2025-01-13T16:00+01:00"), cal)).toThrow(
      /^Invalid work calendar: /,
    );
  });

  it("rejects an invalid calendar in CALENDAR mode too, listing every problem", () => {
    const cal: WorkCalendar = {
      mode: "CALENDAR",
      timeZone: "Nowhere",
      workingDays: [],
      workStartMinute: 600,
      workEndMinute: 60,
    };
    expect(calendarProblems(cal)).toHaveLength(3);
    expect(() => addWorkingMinutes(new Date(), 5, cal)).toThrow(Error);
  });

  it("rejects negative or non-finite minutes and invalid dates", () => {
    const start = at("2025-01-10T16:00+01:00");
    expect(() => addWorkingMinutes(start, -1, berlin)).toThrow(RangeError);
    expect(() => addWorkingMinutes(start, Number.NaN, berlin)).toThrow(RangeError);
    expect(() => addWorkingMinutes(start, Number.POSITIVE_INFINITY, berlin)).toThrow(RangeError);
    expect(() => addWorkingMinutes(new Date("not a date"), 5, berlin)).toThrow(/start is not a valid Date/);
    expect(() => workingMinutesBetween(start, new Date(Number.NaN), berlin)).toThrow(/b is not a valid Date/);
  });
});

describe("cost", () => {
  it("computes 100,000 working minutes in under 50 ms", () => {
    const start = at("2025-01-06T09:00+01:00");
    addWorkingMinutes(start, 1, berlin); // build the time-zone formatter outside the timing
    const began = performance.now();
    const end = addWorkingMinutes(start, 100_000, berlin);
    const elapsed = performance.now() - began;
    // 208 working days and 160 minutes: 41 weeks, Mon–Wed, then Thursday 09:00–11:40.
    expect(end).toEqual(at("2025-10-23T11:40+02:00"));
    expect(elapsed).toBeLessThan(50);
  });
});

// --- Deterministic randomness, so a failure reproduces.

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rng: () => number, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

/** Any millisecond from 2000 to 2035. */
function randomInstant(rng: () => number): Date {
  const from = Date.UTC(2000, 0, 1);
  const to = Date.UTC(2035, 0, 1);
  return new Date(from + Math.floor(rng() * (to - from)));
}

function randomCalendar(rng: () => number, timeZone: string): WorkCalendar {
  const workingDays = [1, 2, 3, 4, 5, 6, 7].filter(() => rng() < 0.6);
  if (workingDays.length === 0) workingDays.push(1 + Math.floor(rng() * 7));
  // Half the calendars on quarter hours, the rest on any minute; some run to midnight.
  const step = rng() < 0.5 ? 15 : 1;
  const workStartMinute = Math.floor((rng() * 1380) / step) * step;
  const workEndMinute =
    rng() < 0.2
      ? 1440
      : Math.min(1440, workStartMinute + step + Math.floor((rng() * (1440 - workStartMinute)) / step) * step);
  return { mode: "BUSINESS", timeZone, workingDays, workStartMinute, workEndMinute };
}
