// The rollback counters read a batch's interactions by primary key. With
// statistics that lag a growing project, Postgres used to AND the primary key
// with a (projectId, …) index and read every row id of the project: 23 ms per
// batch at 500,000 interactions, growing with the project. The project is now
// a filter; this checks the plans Postgres picks for a fresh project (whose
// statistics, like a growing one's, say it has few rows).
import { describe, expect, it } from "vitest";
import type pg from "pg";
import { db, pgGenericPlanPool, pgPool } from "@/lib/db";
import { createApiKey } from "@/lib/api-keys/create-api-key";
import { SAMPLES_SQL } from "@/lib/rollback/record-counters";
import { makeTenant, memberActor } from "./fixtures";
import { interaction, sendEvents } from "./ingest-helpers";

type PlanNode = { "Node Type": string; "Relation Name"?: string; "Index Name"?: string; "Subplan Name"?: string; Plans?: PlanNode[] };

function indexesOn(node: PlanNode, relation: string, out: string[] = []): string[] {
  if (node["Relation Name"] === relation && node["Index Name"]) out.push(node["Index Name"]);
  // A bitmap index scan names its index but not the table.
  if (node["Node Type"] === "Bitmap Index Scan" && node["Index Name"]?.startsWith(`${relation}_`)) out.push(node["Index Name"]);
  for (const child of node.Plans ?? []) indexesOn(child, relation, out);
  return out;
}

/** Runs on a connection of its own with sequential scans off; the connection is closed after (no session state leaks). */
async function withoutSeqScans<T>(pool: pg.Pool, run: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query("SET enable_seqscan = off");
    return await run(c);
  } finally {
    c.release(true);
  }
}

describe("rollback counters' batch read", () => {
  it("finds the batch's interactions by primary key alone", async () => {
    const { project } = await makeTenant();
    const admin = await memberActor(project.id, "ADMIN");
    const { key } = await createApiKey(admin, project.id, { name: "k", scopes: ["events:write"] });
    const res = await sendEvents(key, { events: Array.from({ length: 100 }, () => interaction()) });
    expect(res.json.accepted).toBe(100);
    const ids = (await db().interaction.findMany({ where: { projectId: project.id }, select: { id: true } })).map((r) => r.id);

    // Sequential scans off: on a table this small one would win over any index, and say nothing.
    // Both the plan for these parameters and the generic plan the worker runs (pgGenericPlanPool).
    const cteOf = (rows: { "QUERY PLAN": unknown }[]) => {
      const plan = (rows[0]!["QUERY PLAN"] as { Plan: PlanNode }[])[0]!.Plan;
      return (plan.Plans ?? []).find((p) => p["Subplan Name"] === "CTE i");
    };
    const params = [project.id, ids, [], []];
    const custom = await withoutSeqScans(pgPool(), (c) => c.query(`EXPLAIN (FORMAT JSON) ${SAMPLES_SQL}`, params));
    const uuids = (list: string[]) => `ARRAY[${list.map((id) => `'${id}'`).join(",")}]::uuid[]`; // ids from the database: uuids
    const generic = await withoutSeqScans(pgGenericPlanPool(), async (c) => {
      await c.query(`PREPARE samples_plan_test AS ${SAMPLES_SQL}`);
      return c.query(`EXPLAIN (FORMAT JSON) EXECUTE samples_plan_test('${project.id}', ${uuids(ids)}, ${uuids([])}, ${uuids([])})`);
    });
    for (const rows of [custom.rows, generic.rows]) {
      const cte = cteOf(rows);
      expect(cte).toBeDefined();
      expect(indexesOn(cte!, "Interaction")).toEqual(["Interaction_pkey"]);
    }
  });
});
