// Where autovacuum is off or behind, the worker ANALYZEs the tables it grows,
// so that plans are not made (and kept) from the statistics of an empty table.
import { afterAll, describe, expect, it } from "vitest";
import { pgPool } from "@/lib/db";
import { refreshStaleTableStats, WATCHED_TABLES } from "@/lib/maintenance/refresh-table-stats";
import { uniq } from "./fixtures";

const table = uniq("stats_test").replaceAll("-", "_");

afterAll(async () => {
  await pgPool().query(`DROP TABLE IF EXISTS "${table}"`);
});

async function stats() {
  const { rows } = await pgPool().query<{ mods: string; analyzed: Date | null }>(
    `SELECT n_mod_since_analyze::text AS mods, greatest(last_analyze, last_autoanalyze) AS analyzed FROM pg_stat_user_tables WHERE relname = $1`,
    [table],
  );
  return rows[0];
}

describe("refreshStaleTableStats", () => {
  it("analyzes a table that changed past the autoanalyze threshold, once, and leaves it while nothing changes", async () => {
    // Autovacuum off for this table, wherever it is on: only the job under test analyzes it.
    await pgPool().query(`CREATE TABLE "${table}" (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false)`);
    await pgPool().query(`INSERT INTO "${table}" SELECT g, 'x' FROM generate_series(1, 5000) g`);
    // Statistics reach the shared counters shortly after the transaction ends.
    for (let i = 0; i < 50 && Number((await stats())?.mods ?? 0) < 5000; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await stats()).toMatchObject({ mods: "5000", analyzed: null });

    // Due: analyzed, and then not again while nothing changes.
    expect(await refreshStaleTableStats({ tables: [table], quietMs: 0 })).toEqual([table]);
    const after = await stats();
    expect(after?.mods).toBe("0");
    expect(after?.analyzed).toBeInstanceOf(Date);
    expect(await refreshStaleTableStats({ tables: [table], quietMs: 0 })).toEqual([]);

    // A few rows more are below the threshold (50 + 10% of 5,000).
    await pgPool().query(`INSERT INTO "${table}" SELECT g, 'y' FROM generate_series(5001, 5400) g`);
    for (let i = 0; i < 50 && Number((await stats())?.mods ?? 0) < 400; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await refreshStaleTableStats({ tables: [table], quietMs: 0 })).toEqual([]);
    // Changes past it, but the last ANALYZE is more recent than the quiet period: left to autovacuum.
    await pgPool().query(`INSERT INTO "${table}" SELECT g, 'z' FROM generate_series(5401, 6000) g`);
    for (let i = 0; i < 50 && Number((await stats())?.mods ?? 0) < 1000; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await refreshStaleTableStats({ tables: [table], quietMs: 60_000 })).toEqual([]);
    expect(await refreshStaleTableStats({ tables: [table], quietMs: 0 })).toEqual([table]);
  });

  it("skips a table someone else holds, without waiting for it", async () => {
    const holder = await pgPool().connect();
    try {
      await holder.query("BEGIN");
      await holder.query(`LOCK TABLE "${table}" IN SHARE UPDATE EXCLUSIVE MODE`); // what VACUUM and ANALYZE take
      await pgPool().query(`INSERT INTO "${table}" SELECT g, 'w' FROM generate_series(6001, 9000) g`);
      for (let i = 0; i < 50 && Number((await stats())?.mods ?? 0) < 3000; i++) await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      expect(await refreshStaleTableStats({ tables: [table], quietMs: 0 })).toEqual([]);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await holder.query("ROLLBACK");
      holder.release();
    }
    expect(await refreshStaleTableStats({ tables: [table], quietMs: 0 })).toEqual([table]);
  });

  it("watches the tables that exist", async () => {
    const { rows } = await pgPool().query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = current_schema() AND tablename = ANY($1::text[])`, [WATCHED_TABLES]);
    expect(rows[0]!.n).toBe(WATCHED_TABLES.length);
  });
});
