// Sends one webhook delivery: renders the body for the endpoint's style,
// signs it (signature.ts) and POSTs it, recording the attempt on the row.
// 2xx is delivered. A timeout, a network error, 408, 425, 429 or 5xx is
// retried by the queue; any other 4xx means the receiver rejects this request
// as it is, so it goes to the dead-letter list at once, as does the last
// failed attempt, and a delivery whose endpoint secret cannot be unsealed.
import "server-only";
import { db } from "@/lib/db";
import { open } from "@/lib/crypto/secretbox";
import { genericBody, pagerDutyBody, slackBody, type NotificationEvent } from "@/lib/webhooks/payloads";
import { WEBHOOK_HEADERS, signPayload } from "@/lib/webhooks/signature";
import { config } from "@/lib/config";
import { deploymentAddressPolicy } from "@/lib/webhooks/address-policy";
import { RefusedAddressError, postWebhook } from "@/lib/webhooks/post-webhook";

const TIMEOUT_MS = 10_000;
const RETRYABLE_4XX = new Set([408, 425, 429]);

export type DeliveryResult =
  | { outcome: "delivered" | "skipped" }
  | { outcome: "retry" | "dead"; error: string };

export async function deliverWebhook(deliveryId: string, attempt: { final: boolean }): Promise<DeliveryResult> {
  const delivery = await db().webhookDelivery.findUnique({ where: { id: deliveryId }, include: { endpoint: true } });
  if (!delivery || delivery.status === "DELIVERED") return { outcome: "skipped" };
  const { endpoint } = delivery;
  if (!endpoint.enabled) return record(deliveryId, { ok: false, permanent: true, error: "The endpoint is disabled" }, attempt);

  let secret: string;
  try {
    secret = open(endpoint.secretEnc).toString("utf8");
  } catch {
    // Sealed under another master key, or not sealed at all: no attempt can sign it, so none is
    // retried; it waits among the dead letters, retryable by hand once the secret is set again.
    const error = "The endpoint's signing secret cannot be read (was RAMPART_MASTER_KEY changed?); set a new secret and retry";
    return record(deliveryId, { ok: false, permanent: true, error }, attempt);
  }
  const event = delivery.payload as NotificationEvent;
  const body = JSON.stringify(
    endpoint.style === "SLACK" ? slackBody(event) : endpoint.style === "PAGERDUTY" ? pagerDutyBody(event, secret, delivery) : genericBody(event, delivery),
  );
  const timestamp = Math.floor(Date.now() / 1000);
  let status: number | undefined;
  let error: string | null = null;
  let refused = false;
  try {
    const res = await postWebhook(
      endpoint.url,
      {
        "content-type": "application/json",
        "user-agent": "Rampart-Webhooks/1",
        [WEBHOOK_HEADERS.event]: delivery.event,
        [WEBHOOK_HEADERS.delivery]: delivery.id,
        [WEBHOOK_HEADERS.idempotencyKey]: delivery.idempotencyKey,
        [WEBHOOK_HEADERS.timestamp]: String(timestamp),
        [WEBHOOK_HEADERS.signature]: signPayload(secret, timestamp, body),
      },
      body,
      { policy: deploymentAddressPolicy(config()), timeoutMs: TIMEOUT_MS },
    );
    status = res.status;
    if (status < 200 || status >= 300) error = `HTTP ${status}${res.text ? `: ${res.text.slice(0, 300)}` : ""}`;
  } catch (err) {
    const e = err as Error;
    // Policy, not a network hiccup: retrying would be refused the same way.
    refused = e instanceof RefusedAddressError;
    error = refused ? `Refused: ${e.message}` : e.name === "TimeoutError" ? `No answer within ${TIMEOUT_MS / 1000} s` : `Request failed: ${e.message}`;
  }
  if (error === null) return record(deliveryId, { ok: true, status }, attempt);
  const permanent = refused || (status !== undefined && status >= 400 && status < 500 && !RETRYABLE_4XX.has(status));
  return record(deliveryId, { ok: false, status, permanent, error }, attempt);
}

async function record(
  deliveryId: string,
  result: { ok: true; status?: number } | { ok: false; status?: number; permanent: boolean; error: string },
  attempt: { final: boolean },
): Promise<DeliveryResult> {
  const now = new Date();
  if (result.ok) {
    await db().webhookDelivery.update({
      where: { id: deliveryId },
      data: { status: "DELIVERED", attempts: { increment: 1 }, lastAttemptAt: now, deliveredAt: now, lastStatusCode: result.status ?? null, lastError: null },
    });
    return { outcome: "delivered" };
  }
  const dead = result.permanent || attempt.final;
  await db().webhookDelivery.update({
    where: { id: deliveryId },
    data: { status: dead ? "DEAD" : "FAILED", attempts: { increment: 1 }, lastAttemptAt: now, lastStatusCode: result.status ?? null, lastError: result.error },
  });
  return { outcome: dead ? "dead" : "retry", error: result.error };
}
