// Incident response times and their distribution. Pure, no I/O.
//
// Measured from when the impact started (the first breaching sample; the
// detection time when nobody knows better): time to detect, to mitigate
// (exposure cut) and to resolve. Time to acknowledge is measured from
// detection, since nobody can acknowledge what has not been detected.
// Distributions are given as median and p90, because a few long incidents
// make a mean say little about the usual case.

export type IncidentTimes = {
  impactStartedAt: Date | null;
  detectedAt: Date;
  acknowledgedAt: Date | null;
  mitigatedAt: Date | null;
  resolvedAt: Date | null;
};

export type Durations = { ttdMs: number | null; ttaMs: number | null; ttmMs: number | null; ttrMs: number | null };

const span = (from: Date, to: Date | null) => (to ? Math.max(0, to.getTime() - from.getTime()) : null);

export function incidentDurations(i: IncidentTimes): Durations {
  const start = i.impactStartedAt ?? i.detectedAt;
  return { ttdMs: span(start, i.detectedAt), ttaMs: span(i.detectedAt, i.acknowledgedAt), ttmMs: span(start, i.mitigatedAt), ttrMs: span(start, i.resolvedAt) };
}

/** The q-quantile with linear interpolation between order statistics (numpy's default, R type 7). */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export type Distribution = { count: number; medianMs: number | null; p90Ms: number | null; meanMs: number | null };

export function distribution(values: readonly (number | null)[]): Distribution {
  const xs = values.filter((v): v is number => v !== null);
  return {
    count: xs.length,
    medianMs: quantile(xs, 0.5),
    p90Ms: quantile(xs, 0.9),
    meanMs: xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null,
  };
}

export type ResponseMetrics = { incidents: number; ttd: Distribution; tta: Distribution; ttm: Distribution; ttr: Distribution };

export function responseMetrics(incidents: readonly IncidentTimes[]): ResponseMetrics {
  const d = incidents.map(incidentDurations);
  return {
    incidents: incidents.length,
    ttd: distribution(d.map((x) => x.ttdMs)),
    tta: distribution(d.map((x) => x.ttaMs)),
    ttm: distribution(d.map((x) => x.ttmMs)),
    ttr: distribution(d.map((x) => x.ttrMs)),
  };
}
