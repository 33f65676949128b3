// The rollback counters read a batch's interactions by primary key. With
// statistics that lag a growing project, Postgres used to AND the primary key
// with a (projectId, …) index and read every row id of the project: 23 ms per
// batch at 500,000 interactions, growing with the project. The project is now
// a filter; this checks the plan Postgres picks for a fresh project (whose
// statistics, like a growing one's, say it has few rows).
import { describe, expect, it } from "vitest";
import { db, pgPool } from "@/lib/db";
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

describe("rollback counters' batch read", () => {
  it("finds the batch's interactions by primary key alone", async () => {
    const { project } = await makeTenant();
    const admin = await memberActor(project.id, "ADMIN");
    const { key } = await createApiKey(admin, project.id, { name: "k", scopes: ["events:write"] });
    const res = await sendEvents(key, { events: Array.from({ length: 100 }, () => interaction()) });
    expect(res.json.accepted).toBe(100);
    const ids = (await db().interaction.findMany({ where: { projectId: project.id }, select: { id: true } })).map((r) => r.id);

    const { rows } = await pgPool().query(`EXPLAIN (FORMAT JSON) ${SAMPLES_SQL}`, [project.id, ids, [], []]);
    const plan = (rows[0]["QUERY PLAN"] as { Plan: PlanNode }[])[0]!.Plan;
    const cte = (plan.Plans ?? []).find((p) => p["Subplan Name"] === "CTE i");
    expect(cte).toBeDefined();
    expect(indexesOn(cte!, "Interaction")).toEqual(["Interaction_pkey"]);
  });
});
