// The reviewer queue's filters and cursor: parsed from a shareable GET URL by
// the page and validated again by the service. Pure (no I/O).
import { z } from "zod";

export const openStatuses = ["NEW", "CLAIMED", "WAITING_INFO", "ESCALATED"] as const;
export type OpenStatus = (typeof openStatuses)[number];
export const queueSeverities = ["SEV1", "SEV2", "SEV3", "SEV4"] as const;
export const queueSources = ["CLASSIFIER", "REPORT", "BOTH", "SAMPLE", "GATE"] as const;

export const QUEUE_PAGE_SIZE = 50;

// A URL edited by hand may carry junk: an unusable value drops that one
// filter (the form shows what is applied) rather than failing the page.
const optionalText = (max: number) =>
  z.preprocess((v) => (typeof v === "string" ? v.trim() : undefined), z.string().min(1).max(max).optional()).catch(undefined);
const optionalEnum = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((v) => (typeof v === "string" && v !== "" ? v.toUpperCase() : undefined), z.enum(values).optional()).catch(undefined);

export const queueFiltersSchema = z.object({
  status: optionalEnum(openStatuses),
  severity: optionalEnum(queueSeverities),
  source: optionalEnum(queueSources),
  category: optionalText(100),
  modelVersion: optionalText(100),
  flag: optionalText(100),
  minReports: z.preprocess((v) => (v === "" || v === undefined ? undefined : v), z.coerce.number().int().min(1).max(1_000_000).optional()).catch(undefined),
  /** Exact request id. */
  q: optionalText(200),
});
export type QueueFilters = z.infer<typeof queueFiltersSchema>;

/**
 * The sort key of a row: its next SLA deadline ("inf" when it has none),
 * priority (higher first) and id. A page starts after (or ends before) one.
 */
export type QueueCursor = { due: string; priority: number; id: string };

const cursorSchema = z.tuple([
  z.union([z.literal("inf"), z.iso.datetime()]),
  z.number().int().min(-2_147_483_648).max(2_147_483_647),
  z.uuid(),
]);

export function encodeCursor(c: QueueCursor): string {
  return Buffer.from(JSON.stringify([c.due, c.priority, c.id]), "utf8").toString("base64url");
}

/** Null for anything that is not a cursor this code wrote. */
export function decodeCursor(raw: string | undefined | null): QueueCursor | null {
  if (!raw || raw.length > 200) return null;
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
    return parsed.success ? { due: parsed.data[0], priority: parsed.data[1], id: parsed.data[2] } : null;
  } catch {
    return null;
  }
}

/** The deadline the queue sorts by: first triage until someone has triaged it, then resolution. */
export function nextDeadline(item: { firstTriagedAt: Date | null; firstTriageDueAt: Date | null; resolutionDueAt: Date | null }): {
  kind: "first_triage" | "resolution";
  dueAt: Date;
} | null {
  const first = item.firstTriagedAt ? null : item.firstTriageDueAt;
  const res = item.resolutionDueAt;
  if (first && (!res || first <= res)) return { kind: "first_triage", dueAt: first };
  return res ? { kind: "resolution", dueAt: res } : null;
}

export function hasFilters(f: QueueFilters): boolean {
  return Object.values(f).some((v) => v !== undefined);
}

/** The query string of a queue URL (filters plus paging); undefined values are left out. */
export function queueSearch(f: QueueFilters, page: { after?: string; before?: string } = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...f, ...page })) if (v !== undefined && v !== "") params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : "";
}
