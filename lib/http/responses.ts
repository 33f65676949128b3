// Maps errors to HTTP in one place: AppError codes to their status, zod
// failures to 400 with the field named, an unreachable database to 503 with
// Retry-After, anything else to a 500 without details.
import { ZodError } from "zod";
import { isAppError, type AppError } from "@/lib/errors";
import { DATABASE_RETRY_AFTER_SECONDS, databaseUnavailableError, isDatabaseUnavailable, notifyDatabaseUnavailable } from "@/lib/database-unavailable";

export function jsonError(status: number, code: string, message: string, details?: unknown, headers?: HeadersInit) {
  return Response.json({ error: { code, message, ...(details ? { details } : {}) } }, { status, headers });
}

/** The headers an error answer carries: a Bearer challenge for 401, Retry-After when the error says when. */
export function errorHeaders(err: AppError): Record<string, string> {
  const headers: Record<string, string> = {};
  if (err.code === "UNAUTHENTICATED") headers["www-authenticate"] = "Bearer";
  const retry = err.details?.retryAfterSeconds;
  if (typeof retry === "number") headers["retry-after"] = String(Math.ceil(retry));
  else if (err.code === "UNAVAILABLE") headers["retry-after"] = String(DATABASE_RETRY_AFTER_SECONDS);
  return headers;
}

export function errorResponse(err: unknown): Response {
  if (!isAppError(err) && isDatabaseUnavailable(err)) {
    notifyDatabaseUnavailable();
    err = databaseUnavailableError();
  }
  if (isAppError(err)) return jsonError(err.status, err.code, err.message, err.details, errorHeaders(err));
  if (err instanceof ZodError) {
    return jsonError(
      400,
      "BAD_REQUEST",
      "Invalid request",
      err.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    );
  }
  console.error("[rampart] unhandled error", err);
  return jsonError(500, "INTERNAL", "Something went wrong on our side");
}
