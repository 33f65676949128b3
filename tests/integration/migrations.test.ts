// prisma/schema.prisma and prisma/migrations must describe the same database.
// Runs Prisma's WebAssembly schema engine against the real Postgres: the migrations
// are replayed into a throwaway shadow database and compared with the schema file.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { checkDrift, ensureDatabaseExists, parseDatabaseUrl } from "../../scripts/db/schema-engine.ts";

const databaseUrl = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/rampart_test";
const root = fileURLToPath(new URL("../..", import.meta.url));
const conn = parseDatabaseUrl(databaseUrl);

async function shadowDatabases(): Promise<string[]> {
  const client = new pg.Client({
    host: conn.host,
    port: conn.port,
    user: conn.user,
    password: conn.password,
    database: conn.database,
  });
  await client.connect();
  try {
    const r = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname",
      [`${conn.database.slice(0, 40)}_shadow_`],
    );
    return r.rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
}

describe("migrations", () => {
  let tmp: string;
  let shadowsBefore: string[];

  beforeAll(async () => {
    await ensureDatabaseExists(databaseUrl);
    shadowsBefore = await shadowDatabases();
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), "rampart-migrations-test-"));
  });

  afterAll(async () => {
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  });

  it("prisma/schema.prisma matches prisma/migrations (no drift)", async () => {
    const result = await checkDrift({ root, databaseUrl });
    // On failure, the message lists what the schema has that no migration creates.
    expect(result.summary, "schema.prisma has changes without a migration: run `npm run db:migration -- <name>`").toBe(
      "",
    );
    expect(result.drift).toBe(false);
    expect(result.exitCode).toBe(0);
  });

  it("detects drift when the schema gains a model the migrations do not create", async () => {
    const schema = await fs.readFile(path.join(root, "prisma", "schema.prisma"), "utf8");
    const schemaPath = path.join(tmp, "schema.prisma");
    await fs.writeFile(
      schemaPath,
      `${schema}\n\nmodel MigrationDriftProbe {\n  id    Int    @id @default(autoincrement())\n  label String\n}\n`,
    );

    const result = await checkDrift({ root, schemaPath, databaseUrl });

    expect(result.drift).toBe(true);
    expect(result.exitCode).toBe(2);
    expect(result.summary).toContain("MigrationDriftProbe");
  });

  it("leaves no shadow database behind", async () => {
    expect(await shadowDatabases()).toEqual(shadowsBefore);
  });
});

describe("storage of the ingest write path", () => {
  it("compresses large values with lz4 where the server has it, and never tries to compress encrypted originals", async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const lz4 = (await client.query(`SELECT 'lz4' = ANY (enumvals) AS on FROM pg_settings WHERE name = 'default_toast_compression'`)).rows[0]?.on === true;
      const { rows } = await client.query<{ rel: string; col: string; storage: string; compression: string }>(
        `SELECT c.relname AS rel, a.attname AS col, a.attstorage AS storage, a.attcompression AS compression
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
         WHERE (c.relname, a.attname) IN (('OutboxEvent', 'payload'), ('AuditEvent', 'metadata'), ('Interaction', 'promptRedacted'), ('Interaction', 'originalEnc'))
           AND c.relnamespace = 'public'::regnamespace`,
      );
      const of = (rel: string, col: string) => rows.find((r) => r.rel === rel && r.col === col);
      for (const [rel, col] of [["OutboxEvent", "payload"], ["AuditEvent", "metadata"], ["Interaction", "promptRedacted"]] as const) {
        expect(of(rel, col)?.compression, `${rel}.${col}`).toBe(lz4 ? "l" : "");
      }
      expect(of("Interaction", "originalEnc")?.storage).toBe("e");
    } finally {
      await client.end();
    }
  });
});
