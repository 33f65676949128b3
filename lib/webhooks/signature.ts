// How receivers tell a Rampart webhook from a forgery or a replay.
//
// Every request carries:
//   X-Rampart-Event        the event type (incident.opened, …)
//   X-Rampart-Delivery     the delivery's id
//   Idempotency-Key        the same on every retry of one delivery: process it once
//   X-Rampart-Timestamp    Unix seconds when this attempt was signed
//   X-Rampart-Signature    "v1=" + hex HMAC-SHA256(secret, timestamp + "." + raw body)
//
// A receiver recomputes the HMAC over the raw body bytes with the endpoint's
// secret, compares in constant time, and rejects a timestamp more than five
// minutes from its clock, so a captured request cannot be replayed later.
// Several "v1=" values, comma-separated, may appear while a secret rotates.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const WEBHOOK_HEADERS = {
  event: "x-rampart-event",
  delivery: "x-rampart-delivery",
  idempotencyKey: "idempotency-key",
  timestamp: "x-rampart-timestamp",
  signature: "x-rampart-signature",
} as const;

export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

export function signPayload(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export function verifySignature(
  secret: string,
  headers: { timestamp: string | null | undefined; signature: string | null | undefined },
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > SIGNATURE_TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(signPayload(secret, timestamp, body));
  return (headers.signature ?? "").split(",").some((candidate) => {
    const given = Buffer.from(candidate.trim());
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
