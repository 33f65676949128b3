// Reads of the rollup tables shared by the dashboards. Every query is scoped
// to one project and reads rollups only (never the raw interactions).
import "server-only";
import { pgPool } from "@/lib/db";
import type { ResolvedRange } from "@/lib/metrics/dashboards/types";

export type Sums = {
  responses: number;
  errors: number;
  flagged: number;
  harmful: number;
  falseRefusals: number;
  reviewed: number;
  reports: number;
  latencyCount: number;
  latencySumMs: number;
  costCount: number;
  costSumMicros: number;
};

const SUMS_SQL = `sum(responses)::int AS responses, sum(errors)::int AS errors, sum(flagged)::int AS flagged, sum(harmful)::int AS harmful,
  sum("falseRefusals")::int AS "falseRefusals", sum(reviewed)::int AS reviewed, sum(reports)::int AS reports,
  sum("latencyCount")::int AS "latencyCount", sum("latencySumMs")::float8 AS "latencySumMs",
  sum("costCount")::int AS "costCount", sum("costSumMicros")::float8 AS "costSumMicros"`;

export const emptySums = (): Sums => ({ responses: 0, errors: 0, flagged: 0, harmful: 0, falseRefusals: 0, reviewed: 0, reports: 0, latencyCount: 0, latencySumMs: 0, costCount: 0, costSumMicros: 0 });

export function addSums(into: Sums, from: Sums): Sums {
  for (const k of Object.keys(into) as (keyof Sums)[]) into[k] += from[k];
  return into;
}

/** Overall sums per time step (dim "all"). */
export async function metricSeries(projectId: string, r: ResolvedRange): Promise<(Sums & { t: Date })[]> {
  const { rows } = await pgPool().query<Sums & { t: Date }>(
    `SELECT date_bin(make_interval(secs => $5), bucket, $3::timestamptz) AS t, ${SUMS_SQL}
       FROM "MetricRollup" WHERE "projectId" = $1 AND grain = $2 AND dim = 'all' AND bucket >= $3 AND bucket < $4
      GROUP BY 1 ORDER BY 1`,
    [projectId, r.grain, r.from, r.to, r.stepMs / 1000],
  );
  return rows;
}

/** Sums per key of each dimension asked for. */
export async function metricSplits(projectId: string, r: ResolvedRange, dims: string[]): Promise<(Sums & { dim: string; key: string })[]> {
  const { rows } = await pgPool().query<Sums & { dim: string; key: string }>(
    `SELECT dim, key, ${SUMS_SQL}
       FROM "MetricRollup" WHERE "projectId" = $1 AND grain = $2 AND dim = ANY($5::text[]) AND bucket >= $3 AND bucket < $4
      GROUP BY dim, key ORDER BY dim, sum(responses) DESC, key`,
    [projectId, r.grain, r.from, r.to, dims],
  );
  return rows;
}

/** Sum of daily distinct users over the UTC days the range touches, per dimension key ("user-days"). */
export async function userDays(projectId: string, r: ResolvedRange, dims: string[]): Promise<Map<string, number>> {
  const { rows } = await pgPool().query<{ dim: string; key: string; users: number }>(
    `SELECT dim, key, sum(users)::int AS users FROM "MetricDailyUsers"
      WHERE "projectId" = $1 AND dim = ANY($4::text[]) AND day >= ($2::timestamptz AT TIME ZONE 'UTC')::date AND day < ($3::timestamptz AT TIME ZONE 'UTC')::date + 1
      GROUP BY dim, key`,
    [projectId, r.from, new Date(Date.parse(r.to) - 1).toISOString(), dims],
  );
  return new Map(rows.map((x) => [`${x.dim}\u0000${x.key}`, x.users]));
}

/**
 * Element-wise sums of both histograms per dimension key. The arrays travel
 * as they are and are summed here: cheaper than unnesting every element in
 * SQL (a 30-day range of hour rows holds thousands of arrays).
 */
export async function histsBy(projectId: string, r: ResolvedRange, dims: string[]): Promise<{ latency: Map<string, number[]>; cost: Map<string, number[]> }> {
  const { rows } = await pgPool().query<{ dim: string; key: string; l: number[]; c: number[] }>(
    `SELECT dim, key, "latencyHist" AS l, "costHist" AS c FROM "MetricRollup"
      WHERE "projectId" = $1 AND grain = $2 AND dim = ANY($5::text[]) AND bucket >= $3 AND bucket < $4`,
    [projectId, r.grain, r.from, r.to, dims],
  );
  const latency = new Map<string, number[]>();
  const cost = new Map<string, number[]>();
  for (const row of rows) {
    const id = `${row.dim}\u0000${row.key}`;
    addInto(latency, id, row.l);
    addInto(cost, id, row.c);
  }
  return { latency, cost };
}

/** Element-wise sums of the latency histogram per time step (dim "all"). */
export async function latencySeries(projectId: string, r: ResolvedRange): Promise<Map<string, number[]>> {
  const { rows } = await pgPool().query<{ bucket: Date; l: number[] }>(
    `SELECT bucket, "latencyHist" AS l FROM "MetricRollup" WHERE "projectId" = $1 AND grain = $2 AND dim = 'all' AND bucket >= $3 AND bucket < $4`,
    [projectId, r.grain, r.from, r.to],
  );
  const from = Date.parse(r.from);
  const out = new Map<string, number[]>();
  for (const row of rows) {
    const step = from + Math.floor((row.bucket.getTime() - from) / r.stepMs) * r.stepMs;
    addInto(out, new Date(step).toISOString(), row.l);
  }
  return out;
}

function addInto(m: Map<string, number[]>, key: string, values: number[]) {
  const h = m.get(key);
  if (!h) {
    m.set(key, [...values]);
    return;
  }
  for (let i = 0; i < values.length; i++) h[i] = (h[i] ?? 0) + values[i]!;
}

export const per1k = (n: number, d: number): number | null => (d > 0 ? (n / d) * 1000 : null);
export const ratio = (n: number, d: number): number | null => (d > 0 ? n / d : null);
export const round = (v: number | null, digits = 2): number | null => (v === null ? null : Number(v.toFixed(digits)));

/** The start of every time step of a range, so that charts show quiet intervals as such rather than drawing across them. */
export function timeSteps(r: ResolvedRange): string[] {
  const out: string[] = [];
  const end = Date.parse(r.to);
  for (let t = Date.parse(r.from); t < end && out.length < 5000; t += r.stepMs) out.push(new Date(t).toISOString());
  return out;
}

/** Rows keyed by their time, one per step, with `empty` for steps that had none. */
export function fillSteps<T extends { t: Date }>(r: ResolvedRange, rows: T[], empty: (t: Date) => T): T[] {
  const byTime = new Map(rows.map((x) => [x.t.toISOString(), x]));
  return timeSteps(r).map((iso) => byTime.get(iso) ?? empty(new Date(iso)));
}
