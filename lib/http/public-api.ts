// The client-facing hot paths, as plain (Request) => Response handlers. Next's
// route files re-export them, and the lean HTTP layer in server.ts serves the
// same functions directly, skipping Next's routing and rendering machinery.
import "server-only";
import { randomUUID } from "node:crypto";
import { withApiKey } from "@/lib/http/with-api-key";
import { readJsonBodySized } from "@/lib/http/read-json";
import { AppError } from "@/lib/errors";
import { INGEST_LIMITS, ingestBatchSchema, singleReportSchema } from "@/lib/ingest/schemas";
import { ingestEvents } from "@/lib/ingest/ingest-events";
import { describeApiKey } from "@/lib/api-keys/describe-api-key";
import type { LeanEndpoint } from "@/lib/http/lean-endpoints";
import { jsonResponse } from "@/lib/http/lean-bodies";

export const postEvents = withApiKey("events:write", async (req, actor) => {
  const { events, bytes } = await readBatch(req);
  return jsonResponse(await ingestEvents(actor, events, { bodyBytes: bytes }));
});

/**
 * The batch's events, in an array that is their only holder once this
 * returns: ingestEvents empties it when it no longer needs them, so a large
 * batch's parsed body is garbage before the statement's round trip, not
 * carried through it (and through the young generation's collections).
 */
async function readBatch(req: Request): Promise<{ events: unknown[]; bytes: number }> {
  const { value: body, bytes } = await readJsonBodySized(req, INGEST_LIMITS.maxBytes);
  const events = (body as { events?: unknown } | null)?.events;
  if (Array.isArray(events) && events.length > INGEST_LIMITS.maxEvents) {
    throw new AppError("PAYLOAD_TOO_LARGE", `A batch holds at most ${INGEST_LIMITS.maxEvents} events (got ${events.length})`);
  }
  return { events: ingestBatchSchema.parse(body).events, bytes };
}

export const postReport = withApiKey(["reports:write", "events:write"], async (req, actor) => {
  const { value, bytes } = await readJsonBodySized(req, 64 * 1024);
  const report = singleReportSchema.parse(value);
  const result = await ingestEvents(
    actor,
    [{ ...report, type: "report", eventId: report.eventId ?? randomUUID(), occurredAt: report.occurredAt ?? new Date().toISOString() }],
    { bodyBytes: bytes },
  );
  const status = result.results[0]!;
  return jsonResponse(status, { status: status.status === "accepted" ? 201 : 200 });
});

export const getWhoami = withApiKey(null, async (_req, actor) => jsonResponse(await describeApiKey(actor)));

type Handler = (req: Request, ctx: unknown) => Promise<Response>;

/** method + path → handler, for the lean layer; exactly the endpoints lean-endpoints.ts lists. */
export const leanRoutes: Record<string, Handler> = {
  "POST /api/v1/events": postEvents,
  "POST /api/v1/reports": postReport,
  "GET /api/v1/whoami": getWhoami,
} satisfies Record<LeanEndpoint, Handler>;
