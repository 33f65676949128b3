import { describe, expect, it, vi } from "vitest";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { Prisma, PrismaClient } from "@/lib/generated/prisma/client.ts";
import { AppError } from "@/lib/errors";
import { errorResponse } from "@/lib/http/responses";
import { isDatabaseUnavailable, notifyDatabaseUnavailable, onDatabaseUnavailable } from "@/lib/database-unavailable";

// Nothing listens on port 1: connections are refused at once, as they are while Postgres is stopped.
const CLOSED = "postgresql://postgres@127.0.0.1:1/rampart";

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

function pgError(code: string, message: string): pg.DatabaseError {
  const err = new pg.DatabaseError(message, message.length, "error");
  err.code = code;
  err.severity = "FATAL";
  return err;
}

/** What Prisma's pg adapter throws for a query whose connection the server terminated (seen on a real `pg_ctl stop -m fast`). */
function prismaRawFailure(code: string, message: string) {
  return new Prisma.PrismaClientKnownRequestError(`Raw query failed. Code: \`${code}\`. Message: \`${message}\``, {
    code: "P2010",
    clientVersion: Prisma.prismaVersion.client,
    meta: { driverAdapterError: { name: "DriverAdapterError", cause: { originalCode: code, originalMessage: message, kind: "postgres", code, severity: "FATAL", message } } },
  });
}

describe("isDatabaseUnavailable", () => {
  it("recognises a refused connection from pg", async () => {
    const pool = new pg.Pool({ connectionString: CLOSED, connectionTimeoutMillis: 2_000 });
    const err = await caught(pool.query("SELECT 1"));
    await pool.end();
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it("recognises a refused connection through Prisma, for raw queries, model queries and transactions", async () => {
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: CLOSED, connectionTimeoutMillis: 2_000 }) });
    try {
      expect(isDatabaseUnavailable(await caught(prisma.$queryRaw`SELECT 1`))).toBe(true);
      expect(isDatabaseUnavailable(await caught(prisma.user.findFirst()))).toBe(true);
      expect(isDatabaseUnavailable(await caught(prisma.$transaction(async (tx) => tx.user.count())))).toBe(true);
    } finally {
      await prisma.$disconnect();
    }
  });

  it("recognises a server shutting down or starting up, bare or wrapped by Prisma", () => {
    expect(isDatabaseUnavailable(pgError("57P01", "terminating connection due to administrator command"))).toBe(true);
    expect(isDatabaseUnavailable(pgError("57P03", "the database system is starting up"))).toBe(true);
    expect(isDatabaseUnavailable(pgError("08006", "connection failure"))).toBe(true);
    expect(isDatabaseUnavailable(prismaRawFailure("57P01", "terminating connection due to administrator command"))).toBe(true);
  });

  it("recognises pg's code-less connection errors and a pool that had no connection to give", () => {
    expect(isDatabaseUnavailable(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isDatabaseUnavailable(new Error("timeout exceeded when trying to connect"))).toBe(true);
    expect(isDatabaseUnavailable(new Error("wrapped", { cause: new Error("Connection terminated due to connection timeout") }))).toBe(true);
  });

  it("leaves query errors alone: they are bugs or conflicts, not outages", () => {
    expect(isDatabaseUnavailable(pgError("23505", "duplicate key value violates unique constraint"))).toBe(false);
    expect(isDatabaseUnavailable(pgError("42P01", 'relation "Nope" does not exist'))).toBe(false);
    expect(isDatabaseUnavailable(prismaRawFailure("22P02", "invalid input syntax for type uuid"))).toBe(false);
    expect(isDatabaseUnavailable(new Prisma.PrismaClientKnownRequestError("Unique constraint failed", { code: "P2002", clientVersion: "7" }))).toBe(false);
    expect(isDatabaseUnavailable(new Error("boom"))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
    expect(isDatabaseUnavailable("ECONNREFUSED")).toBe(false);
  });
});

describe("errorResponse while the database is away", () => {
  it("answers 503 with Retry-After and a JSON error, never a 500 or a stack, and tells the watcher", async () => {
    const pool = new pg.Pool({ connectionString: CLOSED, connectionTimeoutMillis: 2_000 });
    const err = await caught(pool.query("SELECT 1"));
    await pool.end();
    let told = 0;
    onDatabaseUnavailable(() => told++);
    try {
      const res = errorResponse(err);
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ error: { code: "UNAVAILABLE" } });
      expect(text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|at .*\.(ts|js):\d+/);
      expect(told).toBe(1);
    } finally {
      onDatabaseUnavailable(undefined);
    }
    notifyDatabaseUnavailable();
    expect(told).toBe(1);
  });

  it("gives any UNAVAILABLE error a Retry-After, and keeps other errors as they were", async () => {
    expect(errorResponse(new AppError("UNAVAILABLE", "Queue is away")).headers.get("retry-after")).toBe("5");
    expect(errorResponse(new AppError("UNAVAILABLE", "Later", { retryAfterSeconds: 30 })).headers.get("retry-after")).toBe("30");
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const internal = errorResponse(pgError("23505", "duplicate key value violates unique constraint"));
    logged.mockRestore();
    expect(internal.status).toBe(500);
    expect(internal.headers.get("retry-after")).toBeNull();
    expect(await internal.text()).not.toContain("duplicate key");
  });
});
