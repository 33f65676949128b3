// The one place that creates database connections: the Prisma client for
// everything, and a plain pg pool for the few hot paths (ingest) where
// Prisma's per-query overhead (~1 ms) would dominate.
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client.ts";
import { config } from "@/lib/config";

const globalForPrisma = globalThis as unknown as { rampartPrisma?: PrismaClient; rampartPgPool?: pg.Pool };

function createClient(): PrismaClient {
  const adapter = new PrismaPg({ connectionString: config().DATABASE_URL, max: 10 });
  return new PrismaClient({ adapter });
}

/** Lazily created so that importing a module never opens a connection. */
export function db(): PrismaClient {
  globalForPrisma.rampartPrisma ??= createClient();
  return globalForPrisma.rampartPrisma;
}

// Columns are `timestamp(3)` holding UTC (Prisma's convention); pg would read
// them as local time. Callers pass dates to this pool as ISO strings.
const TIMESTAMP_OID = 1114;
const utcTypes = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === TIMESTAMP_OID && format !== "binary"
      ? (value: string) => new Date(`${value.replace(" ", "T")}Z`)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Raw pg pool for hot paths; shared across module copies in one process. */
export function pgPool(): pg.Pool {
  globalForPrisma.rampartPgPool ??= new pg.Pool({ connectionString: config().DATABASE_URL, max: 16, types: utcTypes });
  return globalForPrisma.rampartPgPool;
}

export async function disconnectDb(): Promise<void> {
  await globalForPrisma.rampartPrisma?.$disconnect();
  globalForPrisma.rampartPrisma = undefined;
  const pool = globalForPrisma.rampartPgPool;
  globalForPrisma.rampartPgPool = undefined;
  await pool?.end();
}

export type { PrismaClient };
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
