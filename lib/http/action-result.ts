// The shape every server action returns to its form, and the one place that
// turns service errors into it (expected errors become messages; others throw).
import { ZodError } from "zod";
import { isAppError } from "@/lib/errors";

export type ActionResult<T = undefined> =
  | { ok: true; message?: string; data?: T }
  | { ok: false; error: string; fieldErrors?: Record<string, string> };

export const idleResult: ActionResult<never> = { ok: true };

export async function runAction<T>(fn: () => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ZodError) {
      const fieldErrors: Record<string, string> = {};
      for (const issue of err.issues) fieldErrors[issue.path.join(".") || "form"] ??= issue.message;
      return { ok: false, error: Object.values(fieldErrors)[0] ?? "Invalid input", fieldErrors };
    }
    if (isAppError(err) && err.code !== "UNAVAILABLE") {
      const field = typeof err.details?.field === "string" ? err.details.field : undefined;
      return { ok: false, error: err.message, ...(field ? { fieldErrors: { [field]: err.message } } : {}) };
    }
    throw err;
  }
}
