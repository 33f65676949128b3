// The OpenAPI 3.1 document of the public API, generated from the same zod
// schemas the handlers validate with, so the two cannot drift apart.
import { z } from "zod";
import {
  INGEST_LIMITS,
  interactionEventSchema,
  reportEventSchema,
  singleReportSchema,
  verdictEventSchema,
} from "@/lib/ingest/schemas";

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: "input", unrepresentable: "any" });

const errorBody = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", examples: ["BAD_REQUEST", "UNAUTHENTICATED", "FORBIDDEN", "PAYLOAD_TOO_LARGE", "RATE_LIMITED"] },
        message: { type: "string" },
        details: {},
      },
    },
  },
};

const eventStatus = {
  type: "object",
  required: ["index", "status"],
  properties: {
    index: { type: "integer" },
    type: { type: ["string", "null"] },
    id: { type: ["string", "null"], description: "requestId of an interaction, eventId of a verdict or report" },
    status: { enum: ["accepted", "duplicate", "rejected"] },
    errors: {
      type: "array",
      items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } } },
    },
  },
};

const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((c) => [
      String(c),
      {
        description: {
          400: "Malformed JSON or an invalid envelope",
          401: "Missing, unknown or revoked API key",
          403: "The key lacks the required scope",
          413: `Body over ${INGEST_LIMITS.maxBytes} bytes or more than ${INGEST_LIMITS.maxEvents} events`,
          429: "Over the key's rate limit; see Retry-After",
        }[c],
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        ...(c === 429 ? { headers: { "Retry-After": { schema: { type: "integer" } } } } : {}),
      },
    ]),
  );

export function openApiDocument(serverUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Rampart public API",
      version: "1",
      description:
        "Client apps send what their LLM features did and evaluate flags. Authenticate with a project API key: `Authorization: Bearer rmp_…`.",
    },
    servers: [{ url: serverUrl }],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "Project API key (rmp_…)" } },
      schemas: {
        Error: errorBody,
        EventStatus: eventStatus,
        InteractionEvent: schema(interactionEventSchema),
        VerdictEvent: schema(verdictEventSchema),
        ReportEvent: schema(reportEventSchema),
        SingleReport: schema(singleReportSchema),
      },
    },
    paths: {
      "/api/v1/events": {
        post: {
          summary: "Ingest a batch of interactions, verdicts and reports",
          description:
            "Each event is validated and stored on its own; the response has a status per event. Retrying with the same requestId/eventId is answered `duplicate` and changes nothing. Acknowledged events are committed. Scope: events:write.",
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["events"],
                  properties: {
                    events: {
                      type: "array",
                      minItems: 1,
                      maxItems: INGEST_LIMITS.maxEvents,
                      items: {
                        oneOf: [
                          { $ref: "#/components/schemas/InteractionEvent" },
                          { $ref: "#/components/schemas/VerdictEvent" },
                          { $ref: "#/components/schemas/ReportEvent" },
                        ],
                      },
                    },
                  },
                },
              },
            },
          },
          responses: {
            200: {
              description: "Per-event statuses",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: {
                      accepted: { type: "integer" },
                      duplicate: { type: "integer" },
                      rejected: { type: "integer" },
                      results: { type: "array", items: { $ref: "#/components/schemas/EventStatus" } },
                    },
                  },
                },
              },
            },
            ...errors(400, 401, 403, 413, 429),
          },
        },
      },
      "/api/v1/reports": {
        post: {
          summary: "Submit one user report (for an in-app report button)",
          description: "Scope: reports:write or events:write. Send an eventId to make retries idempotent.",
          requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/SingleReport" } } } },
          responses: {
            201: { description: "Accepted", content: { "application/json": { schema: { $ref: "#/components/schemas/EventStatus" } } } },
            200: { description: "Duplicate of an earlier report", content: { "application/json": { schema: { $ref: "#/components/schemas/EventStatus" } } } },
            ...errors(400, 401, 403, 413, 429),
          },
        },
      },
      "/api/v1/whoami": {
        get: {
          summary: "The project, name and scopes of the presented key",
          responses: { 200: { description: "Key description" }, ...errors(401, 429) },
        },
      },
      "/api/health": {
        get: { summary: "Database and Redis status", security: [], responses: { 200: { description: "Up" }, 503: { description: "Degraded" } } },
      },
    },
  };
}
