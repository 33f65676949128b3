// The one place that creates database connections: the Prisma client for
// everything, and a plain pg pool for the few hot paths (ingest) where
// Prisma's per-query overhead (~1 ms) would dominate.
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client.ts";
import { config } from "@/lib/config";
import { notifyDatabaseUnavailable } from "@/lib/database-unavailable";

// Columns are `timestamp(3)` holding UTC. A Date parameter is sent as text
// that a `timestamp` (without time zone) parameter reads with its offset
// dropped, so it must be sent in UTC whatever the process's TZ is: pg's
// default is local time, which would shift every bound by the zone's offset.
pg.defaults.parseInputDatesAsUTC = true;

const globalForPrisma = globalThis as unknown as { rampartPrisma?: PrismaClient; rampartPgPool?: pg.Pool; rampartGenericPlanPool?: pg.Pool; rampartProbe?: pg.Client };

/**
 * Longest a query waits for a connection (a new one, or a free one of the
 * pool) before failing: pg's default is to wait forever, so a database that
 * accepts no connections would hang every request instead of failing it
 * (with a 503, lib/database-unavailable.ts).
 */
export const CONNECT_TIMEOUT_MS = 5_000;

function createClient(): PrismaClient {
  const adapter = new PrismaPg({ connectionString: config().DATABASE_URL, max: 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
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
  if (!globalForPrisma.rampartPgPool) {
    const pool = new pg.Pool({ connectionString: config().DATABASE_URL, max: 16, types: utcTypes, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    // A connection the server drops (a restart, an admin's terminate) emits
    // 'error': on the pool while idle, on the client itself while checked out
    // between two queries. Unheard, either event kills the process. The pool
    // discards such a connection (on release, for a checked-out one: it is
    // no longer queryable) and opens a new one when next needed.
    pool.on("error", (err) => console.warn(`[db] idle connection lost: ${err.message}`));
    pool.on("connect", (client) => client.on("error", (err) => console.warn(`[db] connection lost while in use: ${err.message}`)));
    globalForPrisma.rampartPgPool = pool;
  }
  return globalForPrisma.rampartPgPool;
}

/**
 * What a generic-plan connection runs with (pgGenericPlanPool), and what a
 * transaction on another connection sets to plan the same way
 * (GENERIC_PLAN_SET_LOCAL). Sequential scans off: a generic plan is made once
 * per connection, and one made while a table is young (a new install's first
 * minutes) would scan it for good as it grows.
 */
const GENERIC_PLAN_SETTINGS = [
  ["plan_cache_mode", "force_generic_plan"],
  ["enable_seqscan", "off"],
] as const;
export const GENERIC_PLAN_SET_LOCAL = GENERIC_PLAN_SETTINGS.map(([name, value]) => `SET LOCAL ${name} = ${value}`).join("; ");

/**
 * A small pg pool whose connections run prepared (named) statements with
 * their generic plan, always. For the worker's per-batch statements, written
 * to plan the same whatever their parameters (rows by primary key, the
 * project as a filter): Postgres otherwise keeps choosing a custom plan for
 * them — its estimate for a one-element array beats the generic one — and
 * plans them on every execution, which cost more than running them (0.75 ms
 * planning for 0.06 ms of execution per single-event batch). Not for
 * anything whose best plan depends on its parameters (dashboards' ranges),
 * nor for anything that should scan a whole table: these connections have
 * sequential scans off, so that a plan made while a table was nearly empty
 * (seq scan cheapest) does not stay a seq scan as the table grows.
 */
export function pgGenericPlanPool(): pg.Pool {
  if (!globalForPrisma.rampartGenericPlanPool) {
    const pool = new pg.Pool({
      connectionString: config().DATABASE_URL,
      max: 8,
      types: utcTypes,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      options: GENERIC_PLAN_SETTINGS.map(([name, value]) => `-c ${name}=${value}`).join(" "),
    });
    pool.on("error", (err) => console.warn(`[db] idle connection lost: ${err.message}`));
    pool.on("connect", (client) => client.on("error", (err) => console.warn(`[db] connection lost while in use: ${err.message}`)));
    globalForPrisma.rampartGenericPlanPool = pool;
  }
  return globalForPrisma.rampartGenericPlanPool;
}

/**
 * One `SELECT 1` over a connection of its own (kept between calls), so that
 * the answer says whether Postgres is reachable, not whether the pools have a
 * free connection. Rejects within about `timeoutMs` when it is not.
 */
export async function probeDatabase(timeoutMs = 1_500): Promise<void> {
  let client = globalForPrisma.rampartProbe;
  if (!client) {
    const fresh = new pg.Client({ connectionString: config().DATABASE_URL, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs, application_name: "rampart-probe" });
    // A server shutting down terminates this idle connection at once (57P01):
    // the watcher hears of it before any request fails.
    const lost = () => {
      if (globalForPrisma.rampartProbe !== fresh) return;
      globalForPrisma.rampartProbe = undefined;
      notifyDatabaseUnavailable();
    };
    fresh.on("error", lost);
    fresh.on("end", lost);
    try {
      await fresh.connect();
    } catch (err) {
      void fresh.end().catch(() => undefined);
      throw err;
    }
    globalForPrisma.rampartProbe = client = fresh;
  }
  try {
    await client.query("SELECT 1");
  } catch (err) {
    if (globalForPrisma.rampartProbe === client) globalForPrisma.rampartProbe = undefined;
    void client.end().catch(() => undefined);
    throw err;
  }
}

export async function disconnectDb(): Promise<void> {
  await globalForPrisma.rampartPrisma?.$disconnect();
  globalForPrisma.rampartPrisma = undefined;
  const pool = globalForPrisma.rampartPgPool;
  globalForPrisma.rampartPgPool = undefined;
  const generic = globalForPrisma.rampartGenericPlanPool;
  globalForPrisma.rampartGenericPlanPool = undefined;
  const probe = globalForPrisma.rampartProbe;
  globalForPrisma.rampartProbe = undefined;
  await Promise.all([pool?.end(), generic?.end(), probe?.end().catch(() => undefined)]);
}

export type { PrismaClient };
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
