// Webhook endpoint inputs. Client-safe: the console's forms validate with the
// schemas the services parse with.
import { z } from "zod";
import { webhookEventTypes } from "@/lib/webhooks/events";

export const webhookStyles = ["GENERIC", "SLACK", "PAGERDUTY"] as const;
export type WebhookStyleName = (typeof webhookStyles)[number];

const idSchema = z.uuid({ error: "Not a valid id" });

const endpointFields = {
  name: z.string().trim().min(1, "Give the endpoint a name").max(200),
  url: z.url({ protocol: /^https?$/, error: "Give an http(s) URL" }).max(2000),
  style: z.enum(webhookStyles),
  /** Event types to deliver; empty delivers every event. */
  events: z.array(z.enum(webhookEventTypes, { error: "Unknown event type" })).max(webhookEventTypes.length),
  enabled: z.boolean(),
};

/**
 * For PagerDuty the secret is the integration's routing key and must be
 * given; for the other styles it is the HMAC key, generated when not given.
 */
const secretSchema = z.string().trim().min(16, "At least 16 characters").max(200);

export const createWebhookEndpointSchema = z
  .object({ ...endpointFields, events: endpointFields.events.default(() => []), enabled: endpointFields.enabled.default(true), secret: secretSchema.optional() })
  .superRefine((e, ctx) => {
    if (e.style === "PAGERDUTY" && !e.secret) ctx.addIssue({ code: "custom", path: ["secret"], message: "Give the PagerDuty integration's routing key" });
  });
export type CreateWebhookEndpointInput = z.input<typeof createWebhookEndpointSchema>;

export const updateWebhookEndpointSchema = z.object({
  endpointId: idSchema,
  changes: z.object(endpointFields).partial(),
  /** A new routing key or HMAC key; `rotateSecret` generates one instead (not for PagerDuty). */
  secret: secretSchema.optional(),
  rotateSecret: z.boolean().optional(),
});
export type UpdateWebhookEndpointInput = z.input<typeof updateWebhookEndpointSchema>;

export const listWebhookDeliveriesSchema = z.object({
  /** DEAD is the dead-letter list. */
  status: z.enum(["PENDING", "DELIVERED", "FAILED", "DEAD"]).optional(),
  endpointId: idSchema.optional(),
  limit: z.number().int().min(1).max(500).default(100),
});
export type ListWebhookDeliveriesInput = z.input<typeof listWebhookDeliveriesSchema>;
