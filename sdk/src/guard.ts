// guard(): the safe pattern around one LLM call — check the flag, call the
// model, classify the output, log what happened, and fall back whenever the
// feature is off, the call fails or the output is not fit to show.
import type { FlagDetails, FlagsClient, FlagsView } from "./flags-client.js";
import { errorMessage, monotonicNow, uuid } from "./internal.js";
import type { Tracker } from "./tracker.js";
import type {
  ChatMessage,
  Cohort,
  EvaluationContext,
  ModelRef,
  PromptTemplateRef,
  VerdictDecision,
} from "./wire-types.js";

export type ClassifierVerdict = {
  decision: VerdictDecision;
  /** Categories the classifier flagged. */
  categories?: string[];
  /** Category → score in [0, 1]. */
  scores?: Record<string, number>;
  classifier: { name: string; version?: string };
};

export type GuardOptions<T, F> = {
  flags: FlagsClient;
  /** Where the interaction and verdict are logged; without one nothing is logged. */
  tracker?: Tracker;
  /** The flag that gates the feature. */
  flag: string;
  /**
   * The evaluation context of this call. When it differs from the flags
   * client's own context, the flag is evaluated for it with a one-off request
   * (the client's cache and context are left alone).
   */
  context?: EvaluationContext;
  /** The model call; runs only when the flag allows. Receives the flag's evaluation (e.g. to pick a variant's model). */
  call: (flag: FlagDetails) => T | Promise<T>;
  /** Judges the output; a `flag` or `block` decision serves the fallback instead. */
  classify?: (output: T) => ClassifierVerdict | Promise<ClassifierVerdict>;
  /** Served whenever the model's output is not. */
  fallback: F;
  model: ModelRef;
  promptTemplate?: PromptTemplateRef;
  prompt: string | ChatMessage[];
  cohort?: Cohort;
  /** The app's own user id (the server stores only a keyed hash). */
  userRef?: string;
  environment?: string;
  /** More flags to record in the interaction's flag state, besides `flag`. */
  snapshotFlags?: readonly string[];
  /** The logged response text. Default: the output when it is a string, else its JSON. */
  responseText?: (output: T) => string;
  /** Token counts and cost of the call, read from its output. */
  usage?: (output: T) => { tokens?: { input?: number; output?: number }; cost?: number };
  /** Rethrow an error of `call` (after reporting it) instead of serving the fallback. Default false. */
  rethrow?: boolean;
  /** Told when `call` or `classify` throws. Default: console.warn. */
  onError?: (error: unknown, stage: "call" | "classify") => void;
  /** Use this requestId for the interaction instead of a generated one. */
  requestId?: string;
};

/**
 * ok: the model's output was served.
 * flag_off: the flag does not allow the feature (off, killed, fallback variant, cost limit, error).
 * stale: a safety flag failed safe because the configuration is stale.
 * flagged / blocked: the classifier said so.
 * call_failed: `call` threw. classify_failed: `classify` threw, so the output went unchecked.
 */
export type GuardReason = "ok" | "flag_off" | "stale" | "flagged" | "blocked" | "call_failed" | "classify_failed";

export type GuardResult<T, F> = {
  output: T | F;
  usedFallback: boolean;
  reason: GuardReason;
  /** The logged interaction's requestId (for reports); null when nothing was logged (model not called, call failed, no tracker). */
  requestId: string | null;
  /** The gate flag's evaluation. */
  flag: FlagDetails;
  verdict?: ClassifierVerdict;
  latencyMs?: number;
};

const MAX_RESPONSE_CHARS = 512 * 1024;

export async function guard<T, F = T>(options: GuardOptions<T, F>): Promise<GuardResult<T, F>> {
  const { flags, tracker, flag, fallback } = options;
  const reportError = options.onError ?? defaultOnError;
  const view = await viewFor(flags, options.context);
  const details = view.getDetails(flag);
  if (!view.allows(flag)) {
    return {
      output: fallback,
      usedFallback: true,
      reason: details.reason === "STALE" ? "stale" : "flag_off",
      requestId: null,
      flag: details,
    };
  }

  const started = monotonicNow();
  let output: T;
  try {
    output = await options.call(details);
  } catch (err) {
    const latencyMs = Math.round(monotonicNow() - started);
    notify(reportError, err, "call");
    // Failed calls are logged with their error type (and an empty response): they make the error rate.
    let failedId: string | null = null;
    if (tracker) {
      failedId = options.requestId ?? uuid();
      tracker.trackInteraction({
        requestId: failedId,
        model: options.model,
        ...(options.promptTemplate ? { promptTemplate: options.promptTemplate } : {}),
        prompt: options.prompt,
        response: "",
        flags: view.snapshot([flag, ...(options.snapshotFlags ?? []).filter((k) => k !== flag)]),
        ...(options.cohort ? { cohort: options.cohort } : {}),
        ...(options.userRef !== undefined ? { userId: options.userRef } : {}),
        ...(options.environment !== undefined ? { environment: options.environment } : {}),
        latencyMs,
        error: { type: errorTypeOf(err) },
      });
    }
    if (options.rethrow) throw err;
    return { output: fallback, usedFallback: true, reason: "call_failed", requestId: failedId, flag: details, latencyMs };
  }
  const latencyMs = Math.max(0, Math.round(monotonicNow() - started));

  let verdict: ClassifierVerdict | undefined;
  let classifyFailed = false;
  if (options.classify) {
    try {
      verdict = await options.classify(output);
    } catch (err) {
      classifyFailed = true;
      notify(reportError, err, "classify");
    }
  }
  const reason: GuardReason = classifyFailed
    ? "classify_failed"
    : verdict?.decision === "block"
      ? "blocked"
      : verdict?.decision === "flag"
        ? "flagged"
        : "ok";
  const usedFallback = reason !== "ok";

  const requestId = options.requestId ?? uuid();
  if (tracker) {
    const usage = safely(() => options.usage?.(output)) ?? {};
    tracker.trackInteraction({
      requestId,
      model: options.model,
      ...(options.promptTemplate ? { promptTemplate: options.promptTemplate } : {}),
      prompt: options.prompt,
      response: responseOf(output, options.responseText),
      flags: view.snapshot([flag, ...(options.snapshotFlags ?? []).filter((k) => k !== flag)]),
      ...(options.cohort ? { cohort: options.cohort } : {}),
      ...(options.userRef !== undefined ? { userId: options.userRef } : {}),
      ...(options.environment !== undefined ? { environment: options.environment } : {}),
      latencyMs,
      ...(usage.tokens ? { tokens: usage.tokens } : {}),
      ...(usage.cost !== undefined ? { cost: usage.cost } : {}),
    });
    if (verdict) {
      tracker.trackVerdict({
        requestId,
        classifier: verdict.classifier,
        scores: verdict.scores ?? {},
        ...(verdict.categories ? { categories: verdict.categories } : {}),
        decision: verdict.decision,
        action: usedFallback ? "fallback" : "none",
      });
    }
  }

  return {
    output: usedFallback ? fallback : output,
    usedFallback,
    reason,
    requestId: tracker ? requestId : null,
    flag: details,
    ...(verdict ? { verdict } : {}),
    latencyMs,
  };
}

async function viewFor(flags: FlagsClient, context: EvaluationContext | undefined): Promise<FlagsView> {
  if (!context || stableJson(context) === stableJson(flags.getContext())) return flags;
  return flags.evaluate(context);
}

function responseOf<T>(output: T, responseText: ((output: T) => string) | undefined): string {
  const text =
    safely(() =>
      responseText ? responseText(output) : typeof output === "string" ? output : JSON.stringify(output),
    ) ?? String(output);
  return text.length > MAX_RESPONSE_CHARS ? text.slice(0, MAX_RESPONSE_CHARS) : text;
}

function safely<R>(fn: () => R): R | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

function notify(
  onError: (error: unknown, stage: "call" | "classify") => void,
  error: unknown,
  stage: "call" | "classify",
): void {
  try {
    onError(error, stage);
  } catch {
    // The host's error handler failing must not change what the user is served.
  }
}

function defaultOnError(error: unknown, stage: "call" | "classify"): void {
  console.warn(`[rampart] guard: ${stage} failed, serving the fallback: ${errorMessage(error)}`);
}

/** JSON with sorted object keys, to compare contexts regardless of key order. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

/** A short, non-identifying type for a thrown error: its name or code, never its message (which may hold user data). */
function errorTypeOf(err: unknown): string {
  const e = err as { name?: unknown; code?: unknown } | null;
  const code = typeof e?.code === "string" && e.code ? e.code : null;
  const name = typeof e?.name === "string" && e.name && e.name !== "Error" ? e.name : null;
  return (code ?? name ?? "error").slice(0, 100);
}
