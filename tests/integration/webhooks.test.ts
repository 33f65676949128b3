// Webhook endpoints and deliveries: secrets sealed at rest, signed requests,
// retries with exponential backoff on the real webhooks queue, the dead-letter
// list and manual retry. Receivers listen on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { disconnectRedis } from "@/lib/redis";
import { closeQueues } from "@/lib/queues/producers";
import { open } from "@/lib/crypto/secretbox";
import type { AppError } from "@/lib/errors";
import type { UserActor } from "@/lib/auth/actor-types";
import { fanOutNotification } from "@/lib/notifications/fan-out";
import { createWebhookEndpoint } from "@/lib/webhooks/create-webhook-endpoint";
import { updateWebhookEndpoint } from "@/lib/webhooks/update-webhook-endpoint";
import { deleteWebhookEndpoint } from "@/lib/webhooks/delete-webhook-endpoint";
import { listWebhookEndpoints } from "@/lib/webhooks/list-webhook-endpoints";
import { listWebhookDeliveries } from "@/lib/webhooks/list-webhook-deliveries";
import { retryWebhookDelivery } from "@/lib/webhooks/retry-webhook-delivery";
import { enqueueDeliveries } from "@/lib/webhooks/enqueue-deliveries";
import { requeueStaleDeliveries } from "@/lib/webhooks/requeue-stale-deliveries";
import { WEBHOOK_HEADERS, verifySignature } from "@/lib/webhooks/signature";
import { makeTenant, memberActor } from "./fixtures";
import { startReceiver, startWorkers, waitFor, type Received } from "./worker-harness";

const FAST = { attempts: 3, backoffMs: 100 };
let stopWorkers: () => Promise<void>;
let projectId: string;
let admin: UserActor;

beforeAll(async () => {
  stopWorkers = startWorkers(["webhooks"]);
  const { project } = await makeTenant();
  projectId = project.id;
  admin = await memberActor(projectId, "ADMIN");
});
afterAll(async () => {
  await stopWorkers();
  await closeQueues();
  await disconnectRedis();
  await disconnectDb();
});

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return "OK";
  } catch (err) {
    return (err as AppError).code ?? (err as Error).name;
  }
};

let n = 0;
/** One notification event fanned out to the project's endpoints, as the notifications processor does. */
const notify = (type = "incident.opened") =>
  fanOutNotification(`test-${Date.now()}-${n++}`, { type, projectId, message: "something happened", incident: { id: crypto.randomUUID(), number: 1, title: "t", status: "OPEN", severity: "SEV2" } });

/** The delivery, once it is among the dead letters. */
const deadLettered = (id: string) =>
  waitFor("dead-lettering", async () => {
    const d = await db().webhookDelivery.findUniqueOrThrow({ where: { id } });
    return d.status === "DEAD" ? d : null;
  });

const verified = (secret: string, r: Received) =>
  verifySignature(secret, { timestamp: r.headers[WEBHOOK_HEADERS.timestamp] as string, signature: r.headers[WEBHOOK_HEADERS.signature] as string }, r.body);

describe("endpoints", () => {
  it("are managed by admins, with the secret sealed at rest and shown once", async () => {
    const lead = await memberActor(projectId, "LEAD");
    expect(await codeOf(createWebhookEndpoint(lead, projectId, { name: "x", url: "http://127.0.0.1:9/x", style: "GENERIC" }))).toBe("FORBIDDEN");
    const outsider = await memberActor((await makeTenant()).project.id, "ADMIN");
    expect(await codeOf(listWebhookEndpoints(outsider, projectId))).toBe("NOT_FOUND");
    expect(await codeOf(createWebhookEndpoint(admin, projectId, { name: "pd", url: "http://127.0.0.1:9/x", style: "PAGERDUTY" }))).toBe("ZodError");
    expect(await codeOf(createWebhookEndpoint(admin, projectId, { name: "x", url: "ftp://127.0.0.1/x", style: "GENERIC" }))).toBe("ZodError");
    // Internal addresses are refused when saved (the cloud metadata service here), not only when sent.
    expect(await codeOf(createWebhookEndpoint(admin, projectId, { name: "x", url: "http://169.254.169.254/latest/meta-data", style: "GENERIC" }))).toBe("ZodError");

    const { endpoint, secret } = await createWebhookEndpoint(admin, projectId, { name: "ops", url: "http://127.0.0.1:9/x", style: "SLACK", events: ["incident.opened"] });
    expect(secret).toMatch(/^whsec_/);
    expect(endpoint).not.toHaveProperty("secretEnc");
    const row = await db().webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(Buffer.from(row.secretEnc).includes(Buffer.from(secret))).toBe(false);
    expect(open(row.secretEnc).toString()).toBe(secret);

    const rotated = await updateWebhookEndpoint(admin, projectId, { endpointId: endpoint.id, rotateSecret: true, changes: { enabled: false } });
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(secret);
    expect(rotated.endpoint.enabled).toBe(false);
    const listed = await listWebhookEndpoints(admin, projectId);
    expect(listed.find((e) => e.id === endpoint.id)).toMatchObject({ name: "ops", style: "SLACK", deliveries: { PENDING: 0, FAILED: 0, DEAD: 0 } });
    await deleteWebhookEndpoint(admin, projectId, endpoint.id);
    expect(await db().webhookEndpoint.count({ where: { id: endpoint.id } })).toBe(0);
    const audit = await db().auditEvent.findMany({ where: { projectId, targetId: endpoint.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["webhook.endpoint_created", "webhook.endpoint_updated", "webhook.endpoint_deleted"]);
    expect(JSON.stringify(audit.map((a) => [a.before, a.after, a.metadata]))).not.toContain(secret);
  });
});

describe("deliveries", () => {
  it("go only to endpoints subscribed to the event", async () => {
    const r = await startReceiver();
    try {
      const { endpoint } = await createWebhookEndpoint(admin, projectId, { name: "resolved only", url: r.url, style: "GENERIC", events: ["incident.resolved"] });
      const ids = await notify("incident.opened");
      expect(await db().webhookDelivery.count({ where: { id: { in: ids }, endpointId: endpoint.id } })).toBe(0);
      await deleteWebhookEndpoint(admin, projectId, endpoint.id);
    } finally {
      await r.close();
    }
  });

  it("are retried with backoff until the receiver takes them, with one idempotency key and a valid signature each time", async () => {
    const r = await startReceiver([500, 502, 200]);
    try {
      const { endpoint, secret } = await createWebhookEndpoint(admin, projectId, { name: "flaky", url: r.url, style: "GENERIC" });
      const [id] = await notify();
      await enqueueDeliveries([id!], FAST);
      const done = await waitFor("delivery", async () => {
        const d = await db().webhookDelivery.findUniqueOrThrow({ where: { id: id! } });
        return d.status === "DELIVERED" ? d : null;
      });
      expect(done).toMatchObject({ attempts: 3, lastStatusCode: 200, lastError: null });
      expect(r.received).toHaveLength(3);
      expect(new Set(r.received.map((x) => x.headers[WEBHOOK_HEADERS.idempotencyKey]))).toEqual(new Set([done.idempotencyKey]));
      expect(r.received.every((x) => verified(secret, x) && x.headers[WEBHOOK_HEADERS.delivery] === id)).toBe(true);
      // Exponential: the second wait is about twice the first.
      const [a, b, c] = r.received.map((x) => x.at);
      expect(b! - a!).toBeGreaterThanOrEqual(90);
      expect(c! - b!).toBeGreaterThanOrEqual(180);
      expect(JSON.parse(r.received[2]!.body)).toMatchObject({ type: "incident.opened", idempotencyKey: done.idempotencyKey, data: { message: "something happened" } });
      await deleteWebhookEndpoint(admin, projectId, endpoint.id);
    } finally {
      await r.close();
    }
  });

  it("are dead-lettered after the last attempt, listed, and sent again by hand", async () => {
    const r = await startReceiver([503]);
    try {
      const { endpoint } = await createWebhookEndpoint(admin, projectId, { name: "down", url: r.url, style: "GENERIC" });
      const [id] = await notify();
      await enqueueDeliveries([id!], FAST);
      const dead = await deadLettered(id!);
      expect(dead).toMatchObject({ attempts: 3, lastStatusCode: 503 });
      expect(dead.lastError).toMatch(/^HTTP 503/);
      expect((await listWebhookDeliveries(admin, projectId, { status: "DEAD" })).map((d) => d.id)).toContain(id);
      expect((await listWebhookEndpoints(admin, projectId)).find((e) => e.id === endpoint.id)!.deliveries.DEAD).toBe(1);

      r.answerWith([200]);
      await retryWebhookDelivery(admin, projectId, id!, FAST);
      const sent = await waitFor("the manual retry", async () => {
        const d = await db().webhookDelivery.findUniqueOrThrow({ where: { id: id! } });
        return d.status === "DELIVERED" ? d : null;
      });
      expect(sent.attempts).toBe(4);
      expect(await codeOf(retryWebhookDelivery(admin, projectId, id!, FAST))).toBe("CONFLICT");
      expect(await db().auditEvent.count({ where: { projectId, action: "webhook.delivery_retried", targetId: id! } })).toBe(1);
      await deleteWebhookEndpoint(admin, projectId, endpoint.id);
    } finally {
      await r.close();
    }
  });

  it("are dead-lettered at once when the receiver rejects the request itself", async () => {
    const r = await startReceiver([410]);
    try {
      const { endpoint } = await createWebhookEndpoint(admin, projectId, { name: "gone", url: r.url, style: "GENERIC" });
      const [id] = await notify();
      await enqueueDeliveries([id!], FAST);
      const dead = await deadLettered(id!);
      expect(dead).toMatchObject({ attempts: 1, lastStatusCode: 410 });
      await deleteWebhookEndpoint(admin, projectId, endpoint.id);
    } finally {
      await r.close();
    }
  });

  it("are dead-lettered at once, with a reason, when the endpoint's secret cannot be unsealed", async () => {
    const r = await startReceiver([200]);
    try {
      const { endpoint } = await createWebhookEndpoint(admin, projectId, { name: "rekeyed", url: r.url, style: "GENERIC" });
      // As if sealed under another master key: the box's contents no longer authenticate.
      const sealed = Buffer.from((await db().webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).secretEnc);
      sealed[sealed.length - 1]! ^= 0xff;
      await db().webhookEndpoint.update({ where: { id: endpoint.id }, data: { secretEnc: new Uint8Array(sealed) } });
      const [id] = await notify();
      await enqueueDeliveries([id!], FAST);
      const dead = await deadLettered(id!);
      expect(dead).toMatchObject({ attempts: 1, lastStatusCode: null });
      expect(dead.lastError).toMatch(/signing secret cannot be read/);
      expect(r.received).toHaveLength(0);
      await deleteWebhookEndpoint(admin, projectId, endpoint.id);
    } finally {
      await r.close();
    }
  });

  it("whose job was lost are sent by the requeue sweep", async () => {
    const r = await startReceiver();
    try {
      const { endpoint } = await createWebhookEndpoint(admin, projectId, { name: "sweep", url: r.url, style: "SLACK" });
      const [id] = await notify();
      // Committed, never enqueued (as if Redis had been down), three minutes ago.
      await db().webhookDelivery.update({ where: { id: id! }, data: { createdAt: new Date(Date.now() - 3 * 60_000) } });
      expect(await requeueStaleDeliveries()).toBeGreaterThanOrEqual(1);
      await waitFor("the swept delivery", async () => (await db().webhookDelivery.findUniqueOrThrow({ where: { id: id! } })).status === "DELIVERED");
      expect(JSON.parse(r.received[0]!.body)).toMatchObject({ text: expect.stringContaining("INC-1 opened") });
      await deleteWebhookEndpoint(admin, projectId, endpoint.id);
    } finally {
      await r.close();
    }
  });
});
