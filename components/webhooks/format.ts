// How the webhooks tab words styles and delivery states. Client-safe.
import type { WebhookStyleName } from "@/lib/webhooks/schemas";

export const styleName: Record<WebhookStyleName, string> = {
  GENERIC: "Generic JSON",
  SLACK: "Slack",
  PAGERDUTY: "PagerDuty",
};

export const styleHint: Record<WebhookStyleName, string> = {
  GENERIC: "Signed JSON { type, idempotencyKey, createdAt, data } for your own receiver",
  SLACK: "A message for a Slack incoming webhook",
  PAGERDUTY: "PagerDuty Events API v2: incidents trigger, acknowledge and resolve one PagerDuty incident",
};

export const deliveryStatusName: Record<string, string> = {
  PENDING: "Pending",
  DELIVERED: "Delivered",
  FAILED: "Failing (retrying)",
  DEAD: "Dead letter",
};

export const deliveryStatusStyle: Record<string, string> = {
  PENDING: "bg-slate-100 text-slate-700 ring-slate-400/30",
  DELIVERED: "bg-green-50 text-green-800 ring-green-600/30",
  FAILED: "bg-amber-50 text-amber-900 ring-amber-600/30",
  DEAD: "bg-red-50 text-red-800 ring-red-600/30",
};

export type DeliveryRow = {
  id: string;
  event: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
  endpointName: string;
  /** The notification as stored, pretty-printed: shown as text only. */
  payload: string;
};
