// Recognises "Postgres cannot be reached right now" in whatever shape it
// arrives (node socket errors, pg's errors, Prisma's wrapped driver errors),
// so that callers answer 503 with Retry-After instead of a 500. Pure: no
// connections here; the web process's watcher (lib/db-availability.ts)
// registers itself to hear of such errors through notifyDatabaseUnavailable.
import { AppError } from "@/lib/errors";

/** What clients are told to wait before retrying while the database is away. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);

/**
 * SQLSTATEs of an unreachable or restarting server: class 08 (connection
 * exception), 57P01–57P03 (admin/crash shutdown, cannot connect now) and
 * 53300 (too many connections).
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03" || code === "53300";
}

/** Prisma's codes for an unreachable server, a timeout, a closed connection or an exhausted pool. */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);

/** Kinds of Prisma driver-adapter errors that mean the connection, not the query, failed. */
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);

/** Messages pg and pg-pool give for a connection lost or never made (they carry no code). */
const MESSAGES = [
  /^Connection terminated/,
  /timeout exceeded when trying to connect/,
  /Client has encountered a connection error and is not queryable/,
  /Client was closed and is not queryable/,
  /Can't reach database server/,
];

type Shape = {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  originalCode?: unknown;
  kind?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: unknown };
  errors?: unknown;
};

function matches(err: Shape): boolean {
  if (typeof err.code === "string") {
    if (SOCKET_CODES.has(err.code) || PRISMA_CODES.has(err.code)) return true;
    if (/^[0-9A-Z]{5}$/.test(err.code) && isUnavailableSqlState(err.code)) return true;
  }
  if (typeof err.originalCode === "string" && isUnavailableSqlState(err.originalCode)) return true;
  if (typeof err.kind === "string" && ADAPTER_KINDS.has(err.kind)) return true;
  if (err.name === "PrismaClientInitializationError") return true;
  return typeof err.message === "string" && MESSAGES.some((m) => m.test(err.message as string));
}

/** True when the error (or one it wraps) says the database is unreachable, not that a query was wrong. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0) {
    const e = queue.shift();
    if (!e || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    const shape = e as Shape;
    if (matches(shape)) return true;
    queue.push(shape.cause, shape.meta?.driverAdapterError);
    // AggregateError (node's net.connect tries every address of "localhost").
    if (Array.isArray(shape.errors)) queue.push(...(shape.errors as unknown[]));
  }
  return false;
}

export function databaseUnavailableError(): AppError {
  return new AppError("UNAVAILABLE", "The database is unavailable; try again shortly", {
    retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
  });
}

const hook = globalThis as unknown as { rampartOnDatabaseUnavailable?: () => void };

/** Tells this process's database watcher, if one runs, that a request just failed for want of the database. */
export function notifyDatabaseUnavailable(): void {
  hook.rampartOnDatabaseUnavailable?.();
}

/** For the watcher: the function called by notifyDatabaseUnavailable (shared by every module copy in the process). */
export function onDatabaseUnavailable(fn: (() => void) | undefined): void {
  hook.rampartOnDatabaseUnavailable = fn;
}
