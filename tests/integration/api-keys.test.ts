import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { createApiKey } from "@/lib/api-keys/create-api-key";
import { revokeApiKey } from "@/lib/api-keys/revoke-api-key";
import { authenticateApiKey, forgetApiKey, recentlyVerifiedApiKey, requireScope, REVOKED_CHANNEL } from "@/lib/api-keys/authenticate-api-key";
import { createRedis } from "@/lib/redis";
import { hashApiKey } from "@/lib/api-keys/key-format";
import type { UserActor } from "@/lib/auth/actor-types";
import { makeTenant, memberActor } from "./fixtures";

let projectId: string;
let admin: UserActor;

beforeAll(async () => {
  const t = await makeTenant();
  projectId = t.project.id;
  admin = await memberActor(projectId, "ADMIN");
});
afterAll(disconnectDb);

describe("API keys", () => {
  it("a revocation made by another process reaches this one at once, not after the cache expires", async () => {
    const created = await createApiKey(admin, projectId, { name: "revoked-elsewhere", scopes: ["events:write"] });
    const bearer = `Bearer ${created.key}`;
    // Until this process listens for revocations it checks every request in Postgres; wait until it does.
    await authenticateApiKey(bearer);
    await new Promise((r) => setTimeout(r, 300));
    await authenticateApiKey(bearer);

    // Another process revokes it: its commit, then its announcement.
    await db().apiKey.update({ where: { id: created.id }, data: { revokedAt: new Date() } });
    // The cached key still passes for now (the cache is real)…
    await expect(authenticateApiKey(bearer)).resolves.toMatchObject({ keyId: created.id });
    const other = createRedis();
    try {
      await other.publish(REVOKED_CHANNEL, created.prefix);
    } finally {
      other.disconnect();
    }
    await new Promise((r) => setTimeout(r, 100));
    // …and not once the announcement arrives, long before the cache would expire.
    await expect(authenticateApiKey(bearer)).rejects.toThrow(/Invalid or revoked API key/);
  });

  it("does not cache a key read before a revocation that was heard while the read was in flight", async () => {
    const created = await createApiKey(admin, projectId, { name: "revoked-mid-read", scopes: ["flags:read"] });
    const bearer = `Bearer ${created.key}`;
    await authenticateApiKey(bearer); // starts listening for revocations
    await new Promise((r) => setTimeout(r, 300));
    forgetApiKey(created.prefix);
    // A read starts, and a revocation is heard before it returns (its commit may have come after the read)…
    const reading = authenticateApiKey(bearer);
    forgetApiKey(created.prefix);
    await reading;
    // …so what it read is not kept: the next request is checked in Postgres again, and sees the revocation.
    expect(recentlyVerifiedApiKey(bearer)).toBeNull();
    await db().apiKey.update({ where: { id: created.id }, data: { revokedAt: new Date() } });
    await expect(authenticateApiKey(bearer)).rejects.toThrow(/Invalid or revoked API key/);
  });

  it("checks a busy key again in the background, so that a revocation no process heard still ends it within the cache time", async () => {
    const created = await createApiKey(admin, projectId, { name: "busy", scopes: ["flags:read"] });
    const bearer = `Bearer ${created.key}`;
    await authenticateApiKey(bearer);
    await new Promise((r) => setTimeout(r, 300));
    const concurrent = await Promise.all(Array.from({ length: 20 }, () => authenticateApiKey(bearer)));
    expect(new Set(concurrent.map((a) => a.keyId))).toEqual(new Set([created.id]));
    // Revoked in Postgres with no announcement (a lost message): served from the cache for now…
    await db().apiKey.update({ where: { id: created.id }, data: { revokedAt: new Date() } });
    expect(recentlyVerifiedApiKey(bearer)?.keyId).toBe(created.id);
    // …until a hit past half the cache time re-checks it, which forgets it.
    const deadline = Date.now() + 2_500;
    while (recentlyVerifiedApiKey(bearer) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(recentlyVerifiedApiKey(bearer)).toBeNull();
    await expect(authenticateApiKey(bearer)).rejects.toThrow(/Invalid or revoked API key/);
  });

  it("serves a recently verified key only to the exact key, in any accepted spelling of the header", async () => {
    const created = await createApiKey(admin, projectId, { name: "exact", scopes: ["flags:read"] });
    await authenticateApiKey(`Bearer ${created.key}`);
    await new Promise((r) => setTimeout(r, 300));
    expect(recentlyVerifiedApiKey(`Bearer ${created.key}`)?.keyId).toBe(created.id);
    expect(recentlyVerifiedApiKey(`bearer   ${created.key}`)?.keyId).toBe(created.id);
    // Same prefix, one character of the secret changed (first, last), or cut short: never the cached actor.
    const flip = (c: string) => (c === "A" ? "B" : "A");
    const last = created.key.length - 1;
    for (const forged of [
      created.key.slice(0, 17) + flip(created.key[17]!) + created.key.slice(18),
      created.key.slice(0, last) + flip(created.key[last]!),
      created.key.slice(0, last),
      `${created.key}A`,
    ]) {
      expect(recentlyVerifiedApiKey(`Bearer ${forged}`), forged).toBeNull();
      await expect(authenticateApiKey(`Bearer ${forged}`)).rejects.toThrow(/API key/);
    }
    // The forgeries did not evict the real key's entry.
    expect(recentlyVerifiedApiKey(`Bearer ${created.key}`)?.keyId).toBe(created.id);
  });

  it("stores only a hash of the key, and the key authenticates as its project", async () => {
    const created = await createApiKey(admin, projectId, { name: "ingest", scopes: ["events:write", "flags:read"] });
    const row = await db().apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(Buffer.from(row.hash).equals(hashApiKey(created.key))).toBe(true);
    const rowText = JSON.stringify(row, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
    expect(rowText).not.toContain(created.key.split("_")[2]);

    const actor = await authenticateApiKey(`Bearer ${created.key}`);
    expect(actor).toMatchObject({ projectId, keyName: "ingest", scopes: ["events:write", "flags:read"] });
    expect((await db().apiKey.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt).not.toBeNull();
  });

  it("checks scopes", async () => {
    const created = await createApiKey(admin, projectId, { name: "reports-only", scopes: ["reports:write"] });
    const actor = await authenticateApiKey(`Bearer ${created.key}`);
    expect(() => requireScope(actor, "reports:write")).not.toThrow();
    expect(() => requireScope(actor, "events:write")).toThrow(expect.objectContaining({ code: "FORBIDDEN" }));
  });

  it("rejects unknown, tampered and revoked keys alike", async () => {
    const created = await createApiKey(admin, projectId, { name: "to-revoke", scopes: ["events:write"] });
    const tampered = created.key.slice(0, -2) + (created.key.endsWith("AA") ? "BB" : "AA");
    for (const header of [null, "Bearer nonsense", `Basic ${created.key}`, `Bearer ${tampered}`]) {
      await expect(authenticateApiKey(header)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    }
    await authenticateApiKey(`Bearer ${created.key}`);
    await revokeApiKey(admin, projectId, created.id);
    await expect(authenticateApiKey(`Bearer ${created.key}`)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("refuses to create a key without a scope, storing nothing", async () => {
    const before = await db().apiKey.count({ where: { projectId } });
    await expect(createApiKey(admin, projectId, { name: "none", scopes: [] })).rejects.toThrow();
    expect(await db().apiKey.count({ where: { projectId } })).toBe(before);
  });

  it("records creation and revocation in the audit log with before/after", async () => {
    const created = await createApiKey(admin, projectId, { name: "audited", scopes: ["flags:read"] });
    await revokeApiKey(admin, projectId, created.id);
    const events = await db().auditEvent.findMany({ where: { projectId, targetId: created.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.action)).toEqual(["apikey.created", "apikey.revoked"]);
    expect(events[0]).toMatchObject({ actorType: "USER", actorId: admin.userId, after: expect.objectContaining({ name: "audited" }) });
    expect(events[1]!.before).toEqual({ revokedAt: null });
  });

  it("does not let a reviewer manage keys", async () => {
    const reviewer = await memberActor(projectId, "REVIEWER");
    await expect(createApiKey(reviewer, projectId, { name: "x", scopes: ["events:write"] })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
