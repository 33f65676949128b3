import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { newWebhookSecret, signPayload, verifySignature } from "@/lib/webhooks/signature";

const secret = "whsec_test-secret-of-enough-length";
const body = JSON.stringify({ type: "incident.opened", data: { n: 1 } });
const ts = 1_764_590_400;

describe("webhook signatures", () => {
  it("are HMAC-SHA256 over timestamp.body, hex, with a version prefix", () => {
    const expected = createHmac("sha256", secret).update(`${ts}.${body}`).digest("hex");
    expect(signPayload(secret, ts, body)).toBe(`v1=${expected}`);
  });
  it("verify for the right secret, body and a fresh timestamp only", () => {
    const signature = signPayload(secret, ts, body);
    expect(verifySignature(secret, { timestamp: String(ts), signature }, body, ts + 10)).toBe(true);
    expect(verifySignature("whsec_other", { timestamp: String(ts), signature }, body, ts)).toBe(false);
    expect(verifySignature(secret, { timestamp: String(ts), signature }, `${body} `, ts)).toBe(false);
    expect(verifySignature(secret, { timestamp: String(ts + 1), signature }, body, ts)).toBe(false);
    expect(verifySignature(secret, { timestamp: String(ts), signature }, body, ts + 301)).toBe(false);
    expect(verifySignature(secret, { timestamp: null, signature }, body, ts)).toBe(false);
  });
  it("accept any of several signatures during a rotation", () => {
    const both = `${signPayload("whsec_old-secret-value", ts, body)}, ${signPayload(secret, ts, body)}`;
    expect(verifySignature(secret, { timestamp: String(ts), signature: both }, body, ts)).toBe(true);
  });
  it("come from fresh random secrets", () => {
    expect(newWebhookSecret()).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newWebhookSecret()).not.toBe(newWebhookSecret());
  });
});
