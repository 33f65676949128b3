// Maps errors to HTTP in one place: AppError codes to their status, zod
// failures to 400 with the field named, anything else to a 500 without details.
import { ZodError } from "zod";
import { isAppError } from "@/lib/errors";

export function jsonError(status: number, code: string, message: string, details?: unknown, headers?: HeadersInit) {
  return Response.json({ error: { code, message, ...(details ? { details } : {}) } }, { status, headers });
}

export function errorResponse(err: unknown): Response {
  if (isAppError(err)) {
    const headers: Record<string, string> = {};
    if (err.code === "UNAUTHENTICATED") headers["WWW-Authenticate"] = "Bearer";
    const retry = err.details?.retryAfterSeconds;
    if (typeof retry === "number") headers["Retry-After"] = String(Math.ceil(retry));
    return jsonError(err.status, err.code, err.message, err.details, headers);
  }
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
