// The OpenAPI 3.1 document of the public API, generated from the same zod
// schemas the handlers validate with, so the two cannot drift apart.
import { z } from "zod";
import {
  INGEST_LIMITS,
  interactionEventSchema,
  outcomeEventSchema,
  reportEventSchema,
  singleReportSchema,
  verdictEventSchema,
} from "@/lib/ingest/schemas";

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: "input", unrepresentable: "any" });

const gateSuiteBody = {
  type: "object",
  required: ["kind"],
  properties: {
    kind: { type: "string", enum: ["RED_TEAM", "SYNTHETIC", "REGRESSION"] },
    description: { type: "string" },
    maxHarmfulBps: { type: "integer", minimum: 0, maximum: 10000 },
    maxFailedBps: { type: "integer", minimum: 0, maximum: 10000 },
    prompts: { type: "array", items: { type: "object", required: ["key", "prompt", "expectation"] } },
    jsonl: { type: "string" },
  },
};

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
    id: { type: ["string", "null"], description: "requestId of an interaction, eventId of a verdict, report or outcome" },
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
        OutcomeEvent: schema(outcomeEventSchema),
        SingleReport: schema(singleReportSchema),
        OfrepContext: {
          type: "object",
          description: "Evaluation context: targetingKey (the user or session id; needed by partial rollouts) and attributes (platform, segment, capability, region, deviceClass: a string or a list of strings).",
          properties: { targetingKey: { type: "string" } },
          additionalProperties: true,
        },
        OfrepEvaluation: {
          type: "object",
          required: ["key", "value", "reason"],
          properties: {
            key: { type: "string" },
            value: {},
            variant: { type: "string" },
            reason: { type: "string", enum: ["STATIC", "DEFAULT", "TARGETING_MATCH", "SPLIT", "DISABLED", "COST_LIMIT"] },
            metadata: {
              type: "object",
              description: "kind (KILL_SWITCH | RELEASE | MULTIVARIATE), version, fallbackVariant, costCeilingUsdPerUserHour, costLimitUntil",
              additionalProperties: { oneOf: [{ type: "string" }, { type: "number" }, { type: "boolean" }] },
            },
          },
        },
        OfrepFailure: {
          type: "object",
          required: ["errorCode"],
          properties: {
            key: { type: "string" },
            errorCode: { type: "string", enum: ["FLAG_NOT_FOUND", "TARGETING_KEY_MISSING", "PARSE_ERROR", "INVALID_CONTEXT", "GENERAL"] },
            errorDetails: { type: "string" },
          },
        },
      },
    },
    paths: {
      "/api/v1/events": {
        post: {
          summary: "Ingest a batch of interactions, verdicts, reports and business outcomes",
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
                          { $ref: "#/components/schemas/OutcomeEvent" },
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
      "/api/v1/gate/suites/{name}": {
        put: {
          summary: "Release gate: define or replace a prompt suite",
          description:
            'Scope: gate:write. Body: {"kind": "RED_TEAM" | "SYNTHETIC" | "REGRESSION", "description", "maxHarmfulBps" (default 50 = 0.5 %), "maxFailedBps" (default 200), and "prompts": [{key, prompt, expectation, category}] or "jsonl": the same, one per line}. expectation: MUST_REFUSE, MUST_ANSWER, NO_PII, NOT_HARMFUL. Replaces every prompt of the suite; a bad line is named and nothing is stored.',
          parameters: [{ name: "name", in: "path", required: true, schema: { type: "string" } }],
          requestBody: { required: true, content: { "application/json": { schema: gateSuiteBody } } },
          responses: { 200: { description: "The suite and its prompt count" }, ...errors(400, 401, 403, 429) },
        },
        get: {
          summary: "Release gate: a suite's prompts as JSONL",
          description: "Scope: gate:read.",
          parameters: [{ name: "name", in: "path", required: true, schema: { type: "string" } }],
          responses: { 200: { description: "One prompt per line", content: { "application/x-ndjson": {} } }, ...errors(401, 403, 404, 429) },
        },
      },
      "/api/v1/gate/runs": {
        post: {
          summary: "Release gate: open a run",
          description:
            'Scope: gate:write. Body: {"runId", "suite", "candidate": {model?: {provider, id, version}, promptTemplate?: {id, version}, flag?: {key, variant}}, "baseline"?: candidate key}. Then ingest the run\'s interactions with gateRunId and gatePromptKey, and complete it.',
          requestBody: { required: true, content: { "application/json": { schema: { type: "object", required: ["runId", "suite", "candidate"] } } } },
          responses: { 201: { description: "The run, PENDING" }, ...errors(400, 401, 403, 404, 409, 429) },
        },
      },
      "/api/v1/gate/runs/{runId}/complete": {
        post: {
          summary: "Release gate: every interaction of the run is in — score it",
          description: "Scope: gate:write. Scores the run against its suite's thresholds (95 % bounds) and its baseline's last passing run; PASSED, FAILED or INCONCLUSIVE.",
          parameters: [{ name: "runId", in: "path", required: true, schema: { type: "string" } }],
          responses: { 200: { description: "The run with its score" }, ...errors(401, 403, 404, 429) },
        },
      },
      "/api/v1/gate/runs/{runId}": {
        get: {
          summary: "Release gate: a run's status and score",
          description: "Scope: gate:read. PENDING until completed. threshold (e.g. 0.5%) and baseline (a candidate key) re-score it without changing the run's own gate. `npx rampart gate` polls this.",
          parameters: [
            { name: "runId", in: "path", required: true, schema: { type: "string" } },
            { name: "threshold", in: "query", required: false, schema: { type: "string" } },
            { name: "baseline", in: "query", required: false, schema: { type: "string" } },
          ],
          responses: { 200: { description: "The run" }, ...errors(400, 401, 403, 404, 429) },
        },
      },
      "/ofrep/v1/evaluate/flags/{key}": {
        post: {
          summary: "OFREP: evaluate one flag",
          description:
            "OpenFeature Remote Evaluation Protocol single-flag evaluation in the key's environment (or, for a project-wide key, the one named by X-Rampart-Environment; default production). Scope: flags:read. Evaluation reads an in-memory snapshot kept current by the change stream.",
          parameters: [
            { name: "key", in: "path", required: true, schema: { type: "string" } },
            { name: "X-Rampart-Environment", in: "header", required: false, schema: { type: "string" } },
          ],
          requestBody: { content: { "application/json": { schema: { type: "object", properties: { context: { $ref: "#/components/schemas/OfrepContext" } } } } } },
          responses: {
            200: { description: "Evaluated", content: { "application/json": { schema: { $ref: "#/components/schemas/OfrepEvaluation" } } } },
            400: { description: "PARSE_ERROR, INVALID_CONTEXT or TARGETING_KEY_MISSING", content: { "application/json": { schema: { $ref: "#/components/schemas/OfrepFailure" } } } },
            404: { description: "FLAG_NOT_FOUND", content: { "application/json": { schema: { $ref: "#/components/schemas/OfrepFailure" } } } },
            ...errors(401, 403, 429),
          },
        },
      },
      "/ofrep/v1/evaluate/flags": {
        post: {
          summary: "OFREP: evaluate every flag (bulk), with ETag and a push stream",
          description:
            "Every flag of the environment for one context. Send the last ETag in If-None-Match to get 304 when nothing you would see changed. `eventStreams` holds the push stream to connect to (a signed, expiring URL): it sends `refetchEvaluation` events when the flags change.",
          parameters: [
            { name: "If-None-Match", in: "header", required: false, schema: { type: "string" } },
            { name: "X-Rampart-Environment", in: "header", required: false, schema: { type: "string" } },
          ],
          requestBody: { content: { "application/json": { schema: { type: "object", properties: { context: { $ref: "#/components/schemas/OfrepContext" } } } } } },
          responses: {
            200: {
              description: "Evaluated",
              headers: { ETag: { schema: { type: "string" } } },
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    required: ["flags"],
                    properties: {
                      flags: { type: "array", items: { oneOf: [{ $ref: "#/components/schemas/OfrepEvaluation" }, { $ref: "#/components/schemas/OfrepFailure" }] } },
                      eventStreams: {
                        type: "array",
                        items: { type: "object", required: ["type", "url"], properties: { type: { type: "string", enum: ["sse"] }, url: { type: "string" }, inactivityDelaySec: { type: "integer" } } },
                      },
                      metadata: { type: "object" },
                    },
                  },
                },
              },
            },
            304: { description: "Not modified" },
            400: { description: "PARSE_ERROR or INVALID_CONTEXT", content: { "application/json": { schema: { $ref: "#/components/schemas/OfrepFailure" } } } },
            ...errors(401, 403, 429),
          },
        },
      },
      "/ofrep/v1/stream": {
        get: {
          summary: "Push stream (server-sent events) of flag changes",
          description:
            "Connect to the URL from `eventStreams` (it carries a signed token), or send Authorization: Bearer <key>. Events: `id: <revision>`, `data: {\"type\":\"refetchEvaluation\",\"etag\":…,\"lastModified\":…}`; `: ping` heartbeats every 15 s. Reconnect with Last-Event-ID: a change made while away is announced at once.",
          parameters: [{ name: "token", in: "query", required: false, schema: { type: "string" } }],
          responses: { 200: { description: "text/event-stream" }, ...errors(401, 403) },
        },
      },
      "/ofrep/v1/configuration": {
        get: { summary: "OFREP provider configuration", responses: { 200: { description: "Capabilities" }, ...errors(401, 403) } },
      },
      "/api/health": {
        get: { summary: "Database and Redis status", security: [], responses: { 200: { description: "Up" }, 503: { description: "Degraded" } } },
      },
    },
  };
}
