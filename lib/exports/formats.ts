// The row shape of each export format, from one labeled item. Pure: the
// worker streams records through these, the unit tests pin them down.
// A record a format cannot use (a preference pair without a correction) is
// not written; the reason is counted in the manifest.
import type { ExportFormat } from "@/lib/exports/schemas";
import type { Agreement } from "@/lib/exports/settled-label";
import { csvLine } from "@/lib/exports/csv";

export type ChatMessage = { role: string; content: string; name?: string };

/** One settled, labeled item, with PII already redacted unless the export may include it. */
export type ExportRecord = {
  requestId: string;
  messages: ChatMessage[];
  /** What the model answered. */
  response: string;
  verdict: string;
  hazardCategories: string[];
  severity: string | null;
  correctedResponse: string | null;
  agreement: Agreement;
  labeledAt: Date;
  /** Read only for a format that shows them (readsDetails), else null. */
  details: RecordDetails | null;
};

/** What only the CSV format shows of a record. */
export type RecordDetails = {
  itemId: string;
  notes: string | null;
  modelId: string;
  modelVersion: string | null;
  occurredAt: Date;
};

/**
 * Whether the format shows a record's details. The training formats do not,
 * and their exports neither read them nor redact the reviewer's notes: a
 * third fewer columns per row for Postgres to send and the worker to parse.
 */
export const readsDetails = (format: ExportFormat): boolean => format === "CSV";

export const skipReasons = {
  no_corrected_response: "the label has no corrected response to prefer over the output",
  correction_same_as_output: "the corrected response is the same as the output",
  no_ideal_response: "the output was judged bad and the label gives no corrected response to train on",
  awaiting_second_review: "the item waits for its blind second review",
  awaiting_adjudication: "the two reviews disagree and no lead has decided",
  no_label: "the item has no label",
  filtered_out: "the settled label does not match the filter",
} as const;
export type SkipReason = keyof typeof skipReasons;

/** Chat messages from a stored prompt: a string, or OpenAI-style messages with text or content parts. */
export function promptMessages(prompt: unknown): ChatMessage[] {
  if (typeof prompt === "string") return [{ role: "user", content: prompt }];
  if (!Array.isArray(prompt)) return [{ role: "user", content: JSON.stringify(prompt) }];
  // Most prompts are stored in this shape already: used as they are, without a copy per export row.
  if (prompt.every(isPlainMessage)) return prompt as ChatMessage[];
  return prompt.map((m: unknown) => {
    const msg = (m ?? {}) as { role?: unknown; content?: unknown; name?: unknown };
    const role = typeof msg.role === "string" ? msg.role : "user";
    let content: string;
    if (typeof msg.content === "string") content = msg.content;
    else if (Array.isArray(msg.content))
      content = msg.content
        .map((p: unknown) => {
          const part = (p ?? {}) as { type?: unknown; text?: unknown };
          return typeof part.text === "string" ? part.text : `[${String(part.type ?? "non-text")} part]`;
        })
        .join("\n\n");
    else content = msg.content === undefined || msg.content === null ? "" : JSON.stringify(msg.content);
    return typeof msg.name === "string" ? { role, name: msg.name, content } : { role, content };
  });
}

function isPlainMessage(m: unknown): boolean {
  if (typeof m !== "object" || m === null) return false;
  const msg = m as Record<string, unknown>;
  if (typeof msg.role !== "string" || typeof msg.content !== "string") return false;
  for (const key in msg)
    if (key !== "role" && key !== "content" && !(key === "name" && typeof msg.name === "string")) return false;
  return true;
}

/** The response to train towards: the correction, or the output itself when it was judged fine. */
function idealResponse(r: ExportRecord): string | null {
  if (r.correctedResponse) return r.correctedResponse;
  return r.verdict === "BENIGN" ? r.response : null;
}

function preferencePair(r: ExportRecord): { chosen: string; rejected: string } | SkipReason {
  if (!r.correctedResponse) return "no_corrected_response";
  if (r.correctedResponse.trim() === r.response.trim()) return "correction_same_as_output";
  return { chosen: r.correctedResponse, rejected: r.response };
}

export const CSV_COLUMNS = [
  "item_id",
  "request_id",
  "occurred_at",
  "labeled_at",
  "model_id",
  "model_version",
  "verdict",
  "hazard_categories",
  "severity",
  "agreement",
  "prompt",
  "response",
  "corrected_response",
  "notes",
] as const;

/** What a file of the format starts with, before any record. */
export function fileHeader(format: ExportFormat): string {
  return format === "CSV" ? csvLine(CSV_COLUMNS) : "";
}

export type Encoded = { text: string; rows: number };
const one = (text: string): Encoded => ({ text, rows: 1 });

// The JSONL lines are put together from JSON.stringify of their parts: the
// same bytes as stringifying the whole object (keys in the order written
// here, no whitespace), without building an object per line, and with the
// conversation encoded once per record even when it goes into two lines.
const json = JSON.stringify;
/** An assistant turn as a one-message conversation: `[{"role":"assistant","content":…}]`. */
const assistantJson = (content: string) => `[{"role":"assistant","content":${json(content)}}]`;

/**
 * The text a record adds to a file of the format (complete lines, `rows` of
 * them), or why it adds none.
 */
export function encodeRecord(format: ExportFormat, r: ExportRecord): Encoded | SkipReason {
  switch (format) {
    case "OPENAI_CHAT": {
      const ideal = idealResponse(r);
      if (ideal === null) return "no_ideal_response";
      // The conversation with the assistant's turn appended: `[…messages,{…}]`.
      const messages = json(r.messages);
      const turn = `{"role":"assistant","content":${json(ideal)}}`;
      const all = messages === "[]" ? `[${turn}]` : `${messages.slice(0, -1)},${turn}]`;
      return one(`{"messages":${all}}\n`);
    }
    case "OPENAI_DPO": {
      const pair = preferencePair(r);
      if (typeof pair === "string") return pair;
      return one(
        `{"input":{"messages":${json(r.messages)}},"preferred_output":${assistantJson(pair.chosen)},"non_preferred_output":${assistantJson(pair.rejected)}}\n`,
      );
    }
    case "TRL_PREFERENCE": {
      const pair = preferencePair(r);
      if (typeof pair === "string") return pair;
      return one(
        `{"prompt":${json(r.messages)},"chosen":${assistantJson(pair.chosen)},"rejected":${assistantJson(pair.rejected)}}\n`,
      );
    }
    case "TRL_KTO": {
      // The output as judged; a correction is one more, desirable, completion.
      const prompt = json(r.messages);
      const judged = `{"prompt":${prompt},"completion":${assistantJson(r.response)},"label":${r.verdict === "BENIGN"}}\n`;
      if (!r.correctedResponse || r.correctedResponse.trim() === r.response.trim()) return one(judged);
      return {
        text: `${judged}{"prompt":${prompt},"completion":${assistantJson(r.correctedResponse)},"label":true}\n`,
        rows: 2,
      };
    }
    case "CLASSIFIER":
      return one(
        `{"id":${json(r.requestId)},"text":${json(r.response)},"prompt":${json(r.messages)},"verdict":${json(r.verdict)},"hazard_categories":${json(r.hazardCategories)},"severity":${json(r.severity)}}\n`,
      );
    case "CSV": {
      const d = r.details;
      if (!d) throw new Error("a CSV export needs the records' details (readsDetails)");
      return one(
        csvLine([
          d.itemId,
          r.requestId,
          d.occurredAt.toISOString(),
          r.labeledAt.toISOString(),
          d.modelId,
          d.modelVersion ?? "",
          r.verdict,
          r.hazardCategories.join(";"),
          r.severity ?? "",
          r.agreement,
          r.messages.map((m) => `${m.role}: ${m.content}`).join("\n"),
          r.response,
          r.correctedResponse ?? "",
          d.notes ?? "",
        ]),
      );
    }
  }
}
