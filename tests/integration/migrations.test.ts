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
