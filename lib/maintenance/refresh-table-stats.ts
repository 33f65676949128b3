// Keeps the planner's statistics of the fast-growing tables current when
// autovacuum does not: turned off (as on some CI machines), or not yet round
// to a table that grew from nothing in minutes. Plans made from stale
// statistics can read a whole project's rows for each lookup — a generic plan
// made while a table was empty, above all, since a connection keeps it — and
// ANALYZE both fixes the estimates and makes Postgres plan those statements
// again. Measured on a new install with autovacuum off: the triage state read
// kept a plan from the empty tables that looked interactions up through
// (projectId, gateRunId), 150 ms and more per batch as the project grew.
import { pgPool } from "@/lib/db";

/** The tables that ingest, triage and the rollups grow, and look rows up in. */
export const WATCHED_TABLES = [
  "Interaction",
  "Verdict",
  "UserReport",
  "BusinessEvent",
  "AuditEvent",
  "AuditSeal",
  "OutboxEvent",
  "TriageItem",
  "Label",
  "RollupDirty",
  "UserDaySeen",
  "MetricRollup",
] as const;

/**
 * ANALYZEs each watched table that Postgres's own autoanalyze rule says is due
 * (more than 50 rows plus 10% of the table changed since its last ANALYZE) and
 * that nobody has analyzed for `quietMs` — so where autovacuum keeps up, this
 * does nothing. Returns the tables it analyzed.
 */
export async function refreshStaleTableStats(opts: { tables?: readonly string[]; quietMs?: number } = {}): Promise<string[]> {
  const { rows } = await pgPool().query<{ relname: string }>(
    `SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
      WHERE s.schemaname = current_schema() AND s.relname = ANY($1::text[])
        AND s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0)
        AND COALESCE(greatest(s.last_analyze, s.last_autoanalyze), '-infinity') < now() - make_interval(secs => $2::float8 / 1000)
      ORDER BY s.relname`,
    [opts.tables ?? WATCHED_TABLES, opts.quietMs ?? 60_000],
  );
  // Names come from the list above (or a test's own table), matched against the catalog.
  // SKIP_LOCKED: a table that autovacuum (or anyone) is vacuuming or analyzing is skipped, never
  // waited for, so this neither queues behind an anti-wraparound vacuum nor cancels autovacuum.
  const analyzed: string[] = [];
  for (const { relname } of rows) {
    const before = await lastAnalyzed(relname);
    await pgPool().query(`ANALYZE (SKIP_LOCKED) "${relname.replaceAll('"', '""')}"`);
    if ((await lastAnalyzed(relname)) !== before) analyzed.push(relname);
  }
  return analyzed;
}

async function lastAnalyzed(relname: string): Promise<string | null> {
  const { rows } = await pgPool().query<{ at: string | null }>(
    `SELECT last_analyze::text AS at FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = $1`,
    [relname],
  );
  return rows[0]?.at ?? null;
}
