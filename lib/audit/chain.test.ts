import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { AuditEvent } from "@/lib/generated/prisma/client.ts";
import { canonicalJson } from "./canonical";
import { GENESIS_HASH, auditEventCanonicalForm, chainKeyOf, linkHash, parseChainKey } from "./chain";

const projectId = "0b7d8a52-9c1e-4f3a-8d2b-6e5f4a3b2c1d";
const orgId = "5e4d3c2b-1a09-4f8e-9d7c-6b5a49382716";

const event: AuditEvent = {
  id: 42n,
  orgId,
  projectId,
  actorType: "USER",
  actorId: "u-1",
  actorLabel: "lee@example.com",
  action: "flag.changed",
  targetType: "flag",
  targetId: "f-1",
  before: { rolloutBps: 100 },
  after: { rolloutBps: 5000 },
  metadata: { reason: "ramp" },
  ip: "203.0.113.7",
  createdAt: new Date("2026-03-04T05:06:07.890Z"),
};

describe("chain keys", () => {
  it("puts an event in its project's chain, else its organization's, else the global one", () => {
    expect(chainKeyOf({ projectId, orgId })).toBe(projectId);
    expect(chainKeyOf({ projectId: null, orgId })).toBe(`org:${orgId}`);
    expect(chainKeyOf({ projectId: null, orgId: null })).toBe("global");
  });

  it("parses every key chainKeyOf makes and nothing else", () => {
    expect(parseChainKey(projectId)).toEqual({ kind: "project", projectId });
    expect(parseChainKey(`org:${orgId}`)).toEqual({ kind: "org", orgId });
    expect(parseChainKey("global")).toEqual({ kind: "global" });
    for (const junk of ["", "org:", "org:nope", "bench", `${projectId}x`]) expect(parseChainKey(junk)).toBeNull();
  });
});

describe("link hash", () => {
  it("is sha256 of the previous hash and the event's canonical JSON", () => {
    const expected = createHash("sha256")
      .update(GENESIS_HASH)
      .update(canonicalJson(auditEventCanonicalForm(event)))
      .digest();
    expect(linkHash(GENESIS_HASH, event).equals(expected)).toBe(true);
    expect(canonicalJson(auditEventCanonicalForm(event))).toContain('"id":"42"');
  });

  it("changes when any column of the event or the previous hash changes", () => {
    const base = linkHash(GENESIS_HASH, event);
    const changed: Record<keyof AuditEvent, unknown> = {
      id: 43n,
      orgId: null,
      projectId: null,
      actorType: "SYSTEM",
      actorId: "u-2",
      actorLabel: "someone else",
      action: "flag.viewed",
      targetType: "project",
      targetId: "f-2",
      before: { rolloutBps: 0 },
      after: { rolloutBps: 100 },
      metadata: { reason: "other" },
      ip: null,
      createdAt: new Date("2026-03-04T05:06:07.891Z"),
    };
    for (const [column, value] of Object.entries(changed)) {
      expect(linkHash(GENESIS_HASH, { ...event, [column]: value }).equals(base), column).toBe(false);
    }
    expect(linkHash(Buffer.alloc(32, 1), event).equals(base)).toBe(false);
  });

  it("ignores relations loaded with the event", () => {
    const withSeal = { ...event, seal: { seq: 1n } } as AuditEvent;
    expect(linkHash(GENESIS_HASH, withSeal).equals(linkHash(GENESIS_HASH, event))).toBe(true);
  });
});
