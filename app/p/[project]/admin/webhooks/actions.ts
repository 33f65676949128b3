"use server";
// Server actions of the webhooks admin tab: session → service. The services
// check that the actor may manage the project's webhooks, scope every row to
// the project and record the audit events; a secret comes back only from
// creating an endpoint or changing its secret, to be shown that once.
import { revalidatePath } from "next/cache";
import { requireSessionActor } from "@/lib/auth/session";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import { createWebhookEndpoint } from "@/lib/webhooks/create-webhook-endpoint";
import { updateWebhookEndpoint } from "@/lib/webhooks/update-webhook-endpoint";
import { deleteWebhookEndpoint } from "@/lib/webhooks/delete-webhook-endpoint";
import { retryWebhookDelivery } from "@/lib/webhooks/retry-webhook-delivery";
import type { CreateWebhookEndpointInput } from "@/lib/webhooks/schemas";

/** A secret Rampart generated, for the admin to copy now; one they typed themselves is never echoed. */
export type ShownSecret = { endpointName: string; secret: string };

const str = (form: FormData, key: string) => String(form.get(key) ?? "").trim();

function fieldsOf(form: FormData) {
  return {
    name: str(form, "name"),
    url: str(form, "url"),
    style: str(form, "style") as CreateWebhookEndpointInput["style"],
    events: form.getAll("events").map(String) as CreateWebhookEndpointInput["events"],
    enabled: form.get("enabled") === "on",
  };
}

function done<T>(message: string, data?: T): ActionResult<T> {
  revalidatePath("/p/[project]/admin/webhooks", "page");
  return { ok: true, message, ...(data === undefined ? {} : { data }) };
}

export async function createWebhookEndpointAction(
  projectId: string,
  _prev: ActionResult<ShownSecret>,
  form: FormData,
): Promise<ActionResult<ShownSecret>> {
  return runAction(async () => {
    const given = str(form, "secret") || undefined;
    const { endpoint, secret } = await createWebhookEndpoint(await requireSessionActor(), projectId, {
      ...fieldsOf(form),
      secret: given,
    });
    return given
      ? done(
          `Created “${endpoint.name}” with the ${endpoint.style === "PAGERDUTY" ? "routing key" : "secret"} you gave.`,
        )
      : done(`Created “${endpoint.name}”.`, { endpointName: endpoint.name, secret });
  });
}

export async function updateWebhookEndpointAction(
  projectId: string,
  endpointId: string,
  _prev: ActionResult<ShownSecret>,
  form: FormData,
): Promise<ActionResult<ShownSecret>> {
  return runAction(async () => {
    const secretChoice = str(form, "secretChoice");
    const { endpoint, secret } = await updateWebhookEndpoint(await requireSessionActor(), projectId, {
      endpointId,
      changes: fieldsOf(form),
      secret: secretChoice === "given" ? str(form, "secret") : undefined,
      rotateSecret: secretChoice === "rotate" || undefined,
    });
    const generated = secret !== null && secretChoice === "rotate";
    return done(
      `Saved “${endpoint.name}”${secret ? "; its secret changed" : ""}.`,
      generated ? { endpointName: endpoint.name, secret } : undefined,
    );
  });
}

export async function deleteWebhookEndpointAction(projectId: string, endpointId: string): Promise<ActionResult> {
  return runAction(async () => {
    await deleteWebhookEndpoint(await requireSessionActor(), projectId, endpointId);
    return done("Endpoint deleted, with its deliveries.");
  });
}

export async function retryWebhookDeliveryAction(projectId: string, deliveryId: string): Promise<ActionResult> {
  return runAction(async () => {
    await retryWebhookDelivery(await requireSessionActor(), projectId, deliveryId);
    return done("Queued to be sent again, with a fresh round of retries.");
  });
}
