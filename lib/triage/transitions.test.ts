import { describe, expect, it } from "vitest";
import { checkTransition, itemActions, transitions, type ItemStatus } from "./transitions";

const me = { userId: "me", canAdjudicate: false };
const lead = { userId: "lead", canAdjudicate: true };
const future = new Date(Date.now() + 60_000);
const past = new Date(Date.now() - 1);
const item = (status: ItemStatus, claimedById: string | null = null, leaseExpiresAt: Date | null = null) => ({ status, claimedById, leaseExpiresAt });

describe("triage state machine", () => {
  it("follows new → claimed → resolved | dismissed | escalated, and reopen", () => {
    expect(checkTransition("claim", item("NEW"), me)).toEqual({ ok: true, to: "CLAIMED" });
    expect(checkTransition("resolve", item("CLAIMED", "me", future), me)).toEqual({ ok: true, to: "RESOLVED" });
    expect(checkTransition("dismiss", item("CLAIMED", "me", future), me)).toEqual({ ok: true, to: "DISMISSED" });
    expect(checkTransition("escalate", item("CLAIMED", "me", future), me)).toEqual({ ok: true, to: "ESCALATED" });
    expect(checkTransition("reopen", item("RESOLVED"), lead)).toEqual({ ok: true, to: "NEW" });
  });

  it("rejects invalid transitions with a clear reason", () => {
    expect(checkTransition("resolve", item("NEW"), me)).toEqual({ ok: false, reason: "Cannot resolve an item that is new" });
    expect(checkTransition("reopen", item("CLAIMED", "me", future), me)).toMatchObject({ ok: false });
    expect(checkTransition("resume", item("NEW"), me)).toMatchObject({ ok: false });
    expect(checkTransition("request_info", item("RESOLVED"), me)).toEqual({ ok: false, reason: "Cannot request info an item that is resolved" });
  });

  it("requires a live lease held by the caller to act on a claimed item", () => {
    expect(checkTransition("resolve", item("CLAIMED", "someone-else", future), me)).toMatchObject({ ok: false, reason: expect.stringContaining("lapsed") });
    expect(checkTransition("resolve", item("CLAIMED", "me", past), me)).toMatchObject({ ok: false });
  });

  it("leaves escalated items to leads", () => {
    expect(checkTransition("claim", item("ESCALATED"), me)).toEqual({ ok: false, reason: "Escalated items are claimed by a lead" });
    expect(checkTransition("claim", item("ESCALATED"), lead)).toEqual({ ok: true, to: "CLAIMED" });
  });

  it("covers every action", () => {
    expect(Object.keys(transitions).sort()).toEqual([...itemActions].sort());
  });
});
