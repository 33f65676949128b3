// @rampart/sdk — one entry for Node ≥20 and browsers (fetch, AbortController,
// TextDecoder and timers only; no Node built-ins).
export { createFlagsClient } from "./flags-client.js";
export type {
  ChangeListener,
  FlagDetails,
  FlagsClient,
  FlagsClientOptions,
  FlagsError,
  FlagsStatus,
  FlagsView,
} from "./flags-client.js";
export { createTracker } from "./tracker.js";
export type {
  InteractionInput,
  OutcomeInput,
  ReportInput,
  ReportResult,
  Tracker,
  TrackerError,
  TrackerOptions,
  TrackerStats,
  VerdictInput,
} from "./tracker.js";
export { guard } from "./guard.js";
export type { ClassifierVerdict, GuardOptions, GuardReason, GuardResult } from "./guard.js";
export { SseParser } from "./sse-parser.js";
export type { SseEvent, SseHandlers } from "./sse-parser.js";
export { INGEST_LIMITS } from "./wire-types.js";
export type * from "./wire-types.js";
