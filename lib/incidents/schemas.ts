// Incident service inputs. Client-safe: the console's forms validate with the
// schemas the services parse with.
import { z } from "zod";
import { severities } from "@/lib/triage/severity";
import { incidentStatuses } from "@/lib/incidents/status";

const idSchema = z.uuid({ error: "Not a valid id" });
const noteSchema = z.string().trim().min(1, "Write something").max(10_000, "Keep it to 10,000 characters");

export const openIncidentSchema = z.object({
  title: z.string().trim().min(1, "Give the incident a title").max(200),
  severity: z.enum(severities, { error: "Choose a severity from SEV1 to SEV4" }),
  /** What is known so far; the first entry of the timeline. */
  summary: noteSchema.optional(),
  flagId: idSchema.optional(),
  /** The triage item it was opened from. */
  triageItemId: idSchema.optional(),
  /** When people believe the impact began, if before now. */
  impactStartedAt: z.coerce.date().optional(),
});
export type OpenIncidentInput = z.input<typeof openIncidentSchema>;

export const incidentStepSchema = z.object({ incidentId: idSchema, note: noteSchema.optional() });
export type IncidentStepInput = z.input<typeof incidentStepSchema>;

export const incidentNoteSchema = z.object({ incidentId: idSchema, message: noteSchema });
export type IncidentNoteInput = z.input<typeof incidentNoteSchema>;

export const postmortemSchema = z.object({ incidentId: idSchema, postmortem: z.string().trim().max(200_000, "Keep the postmortem to 200,000 characters") });
export type PostmortemInput = z.input<typeof postmortemSchema>;

export const linkTriageItemSchema = z.object({ incidentId: idSchema, triageItemId: idSchema });
export type LinkTriageItemInput = z.input<typeof linkTriageItemSchema>;

export const listIncidentsSchema = z.object({
  status: z.enum(incidentStatuses).optional(),
  /** Keyset pagination: incidents numbered below this. */
  before: z.number().int().min(1).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export type ListIncidentsInput = z.input<typeof listIncidentsSchema>;

export const incidentMetricsSchema = z.object({
  /** Incidents detected since then; defaults to the last 90 days. */
  since: z.coerce.date().optional(),
});
export type IncidentMetricsInput = z.input<typeof incidentMetricsSchema>;
