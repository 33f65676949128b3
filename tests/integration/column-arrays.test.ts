// The binary column arrays that ingest sends (lib/ingest/column-arrays.ts),
// read by the real Postgres through unnest: every type ingest uses, NULLs,
// text outside Latin-1, and array literals with characters that need quoting.
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb, pgPool } from "@/lib/db";
import { arrayParamType, columnArrays, columnExpr, type Column } from "@/lib/ingest/column-arrays";

const columns: Column[] = [
  ["id", "uuid"],
  ["name", "text"],
  ["at", "timestamp(3)"],
  ["doc", "jsonb"],
  ["n", "integer"],
  ["big", "bigint"],
  ["x", "double precision"],
  ["bytes", "bytea"],
  ["tags", "text[]"],
  ["decision", '"VerdictDecision"'],
];

afterAll(async () => {
  await disconnectDb();
});

describe("column arrays in Postgres", () => {
  it("round-trips every column type ingest stores, row for row", async () => {
    const rows = [
      {
        id: "01890a5d-ac96-774b-bcce-b302099a8057",
        name: "Orders \u2192 Help \ud83d\ude00 \"quoted\" \\ back",
        at: "2026-12-04T15:00:00.123Z",
        doc: { a: [1, null, 0.1], b: "\u00e9", c: { d: true } },
        n: -2147483648,
        big: "9007199254740993",
        x: 1e-7,
        bytes: Buffer.from([0, 1, 254, 255]).toString("base64"),
        tags: ["a", 'q"uote', "back\\slash", "NULL", "", "{x,y}", "sp ace"],
        decision: "BLOCK",
      },
      { id: "01890a5d-ac96-774b-bcce-b302099a8058", name: null, at: "0001-01-01T00:00:00.000Z", doc: null, n: null, big: null, x: null, bytes: null, tags: [], decision: "PASS" },
      { id: "01890a5d-ac96-774b-bcce-b302099a8059", name: "", at: "9999-12-31T23:59:59.999Z", doc: "just a string", n: 0, big: "-1", x: -1.5e300, bytes: "", tags: null, decision: "FLAG" },
    ];
    const client = await pgPool().connect();
    try {
      await client.query("BEGIN");
      await client.query(
        `CREATE TEMP TABLE ca (${columns.map(([n, t]) => `"${n}" ${t}`).join(", ")}) ON COMMIT DROP`,
      );
      await client.query(
        `INSERT INTO ca SELECT ${columns.map(([n, t]) => columnExpr(`x."${n}"`, t)).join(", ")}
           FROM unnest(${columns.map(([, t], i) => `$${i + 1}::${arrayParamType(t)}`).join(", ")}) AS x(${columns.map(([n]) => `"${n}"`).join(", ")})`,
        columnArrays(columns, rows),
      );
      const { rows: back } = await client.query<Record<string, unknown>>(
        `SELECT id::text, name, to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, doc, n, big::text, x, encode(bytes, 'base64') AS bytes, tags, decision::text
           FROM ca ORDER BY id`,
      );
      await client.query("ROLLBACK");
      expect(back).toEqual(rows);
    } finally {
      client.release();
    }
  });

  it("answers a value Postgres refuses with the statement's error, not a crash", async () => {
    const err = await pgPool()
      .query(`SELECT * FROM unnest($1::${arrayParamType('"VerdictDecision"')}) AS x(d) WHERE ${columnExpr("x.d", '"VerdictDecision"')} IS NOT NULL`, columnArrays([["d", '"VerdictDecision"']], [{ d: "MAYBE" }]))
      .catch((e: unknown) => e as { code?: string });
    expect(err).toMatchObject({ code: "22P02" });
  });
});
