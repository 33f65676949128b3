// Validates configuration once when the server starts, so a bad setting
// stops the process with a message instead of failing on the first request;
// and tells the database watcher (lib/db-availability.ts) at once when a page
// failed for want of the database, so the next ones get a 503 instead.
import type { Instrumentation } from "next";
import { isDatabaseUnavailable, notifyDatabaseUnavailable } from "@/lib/database-unavailable";

export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { loadConfigOrExit } = await import("@/lib/config");
    loadConfigOrExit();
  }
}

export const onRequestError: Instrumentation.onRequestError = (err) => {
  if (isDatabaseUnavailable(err)) notifyDatabaseUnavailable();
};
