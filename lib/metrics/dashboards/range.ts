// Time ranges for dashboards: a preset (24h, 7d, …) or explicit from/to.
// Ranges up to 6 hours read minute rollups; longer ones read hour rollups
// and are widened to whole hours. Client-safe.
import type { ResolvedRange } from "@/lib/metrics/dashboards/types";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export const RANGE_PRESETS: Record<string, number> = { "1h": HOUR, "6h": 6 * HOUR, "24h": DAY, "7d": 7 * DAY, "30d": 30 * DAY, "90d": 90 * DAY };
export const DEFAULT_PRESET = "7d";
const MAX_SPAN = 400 * DAY;

export class RangeError extends Error {}

function parseTime(value: string, name: string): number {
  const t = Date.parse(value);
  if (!Number.isFinite(t)) throw new RangeError(`${name} must be an ISO-8601 date-time`);
  return t;
}

export function resolveRange(params: { range?: string | null; from?: string | null; to?: string | null }, now = Date.now()): ResolvedRange {
  let from: number;
  let to: number;
  let preset: string | null = null;
  if (params.from || params.to) {
    if (!params.from || !params.to) throw new RangeError("from and to go together");
    from = parseTime(params.from, "from");
    to = parseTime(params.to, "to");
    if (to <= from) throw new RangeError("to must be after from");
    if (to - from > MAX_SPAN) throw new RangeError("a range may span at most 400 days");
  } else {
    preset = params.range && RANGE_PRESETS[params.range] ? params.range : DEFAULT_PRESET;
    to = Math.ceil(now / MIN) * MIN;
    from = to - RANGE_PRESETS[preset]!;
  }
  const span = to - from;
  if (span <= 6 * HOUR) {
    from = Math.floor(from / MIN) * MIN;
    to = Math.ceil(to / MIN) * MIN;
    return { from: iso(from), to: iso(to), preset, grain: "m", stepMs: span <= HOUR ? MIN : 5 * MIN };
  }
  from = Math.floor(from / HOUR) * HOUR;
  to = Math.ceil(to / HOUR) * HOUR;
  return { from: iso(from), to: iso(to), preset, grain: "h", stepMs: span <= 2 * DAY ? HOUR : span <= 14 * DAY ? 6 * HOUR : DAY };
}

const iso = (t: number) => new Date(t).toISOString();

/** Query-string form of a range, for links and the data API. */
export function rangeQuery(r: ResolvedRange): string {
  return r.preset ? `range=${r.preset}` : `from=${encodeURIComponent(r.from)}&to=${encodeURIComponent(r.to)}`;
}
