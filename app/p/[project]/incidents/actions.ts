"use server";
// Server actions of the incident console: session → service. The services
// check membership and permission, lock the incident, write the timeline,
// audit and announce in one transaction; these turn form fields into their
// inputs and their results into a sentence for the person who acted.
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { requireSessionActor } from "@/lib/auth/session";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import { openIncident } from "@/lib/incidents/open-incident";
import { acknowledgeIncident } from "@/lib/incidents/acknowledge-incident";
import { mitigateIncident } from "@/lib/incidents/mitigate-incident";
import { resolveIncident } from "@/lib/incidents/resolve-incident";
import { addIncidentNote } from "@/lib/incidents/add-incident-note";
import { setIncidentPostmortem } from "@/lib/incidents/set-incident-postmortem";
import type { OpenIncidentInput } from "@/lib/incidents/schemas";
import type { IncidentStep } from "@/lib/incidents/step-incident";

const str = (form: FormData, key: string) => String(form.get(key) ?? "").trim();
const optional = (form: FormData, key: string) => str(form, key) || undefined;

function done<T>(message: string, data?: T): ActionResult<T> {
  // The list shows statuses and response times; the detail page everything else.
  revalidatePath("/p/[project]/incidents", "layout");
  return { ok: true, message, ...(data === undefined ? {} : { data }) };
}

/** Opens the incident and, once it is committed, goes to its page. */
export async function openIncidentAction(
  projectId: string,
  slug: string,
  _prev: ActionResult,
  form: FormData,
): Promise<ActionResult> {
  const result = await runAction(async () => {
    const incident = await openIncident(await requireSessionActor(), projectId, {
      title: str(form, "title"),
      severity: str(form, "severity") as OpenIncidentInput["severity"],
      summary: optional(form, "summary"),
      flagId: optional(form, "flagId"),
      triageItemId: optional(form, "triageItemId"),
    });
    return done(`Opened INC-${incident.number}.`, { id: incident.id });
  });
  // redirect() throws, so it stays outside runAction, which would take it for an unexpected error.
  if (result.ok && result.data) redirect(`/p/${encodeURIComponent(slug)}/incidents/${result.data.id}`);
  return result.ok ? { ok: true, message: result.message } : result;
}

const services = { acknowledged: acknowledgeIncident, mitigated: mitigateIncident, resolved: resolveIncident } as const;
// The step arrives from the browser like any other argument of an action.
const stepSchema = z.enum(["acknowledged", "mitigated", "resolved"], { error: "Unknown step" });

export async function stepIncidentAction(
  projectId: string,
  incidentId: string,
  step: IncidentStep,
  form: FormData,
): Promise<ActionResult> {
  return runAction(async () => {
    const s = stepSchema.parse(step);
    const r = await services[s](await requireSessionActor(), projectId, { incidentId, note: optional(form, "note") });
    if (!r.changed) return done(`INC-${r.number} was already ${s}; nothing changed.`);
    const status = r.status.toLowerCase();
    return done(`INC-${r.number} ${s}${status === s ? "" : `; it stays ${status}`}.`);
  });
}

export async function addIncidentNoteAction(
  projectId: string,
  incidentId: string,
  _prev: ActionResult,
  form: FormData,
): Promise<ActionResult> {
  return runAction(async () => {
    await addIncidentNote(await requireSessionActor(), projectId, { incidentId, message: str(form, "message") });
    return done("Note added to the timeline.");
  });
}

export async function setIncidentPostmortemAction(
  projectId: string,
  incidentId: string,
  _prev: ActionResult,
  form: FormData,
): Promise<ActionResult> {
  return runAction(async () => {
    await setIncidentPostmortem(await requireSessionActor(), projectId, {
      incidentId,
      postmortem: str(form, "postmortem"),
    });
    return done("Postmortem saved.");
  });
}
