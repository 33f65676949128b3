// The triage state machine (pure; safe for client code, which uses it to
// show only the actions that would succeed).
//
//   NEW ──claim──▶ CLAIMED ──resolve──▶ RESOLVED ──reopen──▶ NEW
//    │               │  └──dismiss──▶ DISMISSED ──reopen──▶ NEW
//    │               ├──request_info──▶ WAITING_INFO ──resume──▶ NEW   (SLA clock paused meanwhile)
//    │               ├──release──▶ NEW
//    └──escalate──▶ ESCALATED ◀──escalate──┘        (leads claim escalated items)
import type { Permission } from "@/lib/auth/permissions";

export const itemActions = ["claim", "release", "resolve", "dismiss", "escalate", "request_info", "resume", "reopen"] as const;
export type ItemAction = (typeof itemActions)[number];
export type ItemStatus = "NEW" | "CLAIMED" | "WAITING_INFO" | "ESCALATED" | "RESOLVED" | "DISMISSED";

type Rule = { from: readonly ItemStatus[]; to: ItemStatus; permission: Permission; mustHoldLease: boolean };

export const transitions: Record<ItemAction, Rule> = {
  claim: { from: ["NEW", "ESCALATED"], to: "CLAIMED", permission: "item:claim", mustHoldLease: false },
  release: { from: ["CLAIMED"], to: "NEW", permission: "item:claim", mustHoldLease: true },
  resolve: { from: ["CLAIMED"], to: "RESOLVED", permission: "item:label", mustHoldLease: true },
  dismiss: { from: ["CLAIMED"], to: "DISMISSED", permission: "item:label", mustHoldLease: true },
  escalate: { from: ["NEW", "CLAIMED"], to: "ESCALATED", permission: "item:escalate", mustHoldLease: false },
  request_info: { from: ["CLAIMED"], to: "WAITING_INFO", permission: "item:label", mustHoldLease: true },
  resume: { from: ["WAITING_INFO"], to: "NEW", permission: "item:claim", mustHoldLease: false },
  reopen: { from: ["RESOLVED", "DISMISSED"], to: "NEW", permission: "item:adjudicate", mustHoldLease: false },
};

export type TransitionCheck = { ok: true; to: ItemStatus } | { ok: false; reason: string };

/**
 * Whether `action` may apply to an item in `status`. Escalated items are
 * claimed by leads only; an action that needs the lease needs the caller to
 * hold an unexpired one.
 */
export function checkTransition(
  action: ItemAction,
  item: { status: ItemStatus; claimedById: string | null; leaseExpiresAt: Date | null },
  caller: { userId: string; canAdjudicate: boolean },
  now = new Date(),
): TransitionCheck {
  const rule = transitions[action];
  if (!rule.from.includes(item.status)) {
    return { ok: false, reason: `Cannot ${action.replace("_", " ")} an item that is ${item.status.toLowerCase().replace("_", " ")}` };
  }
  if (action === "claim" && item.status === "ESCALATED" && !caller.canAdjudicate) {
    return { ok: false, reason: "Escalated items are claimed by a lead" };
  }
  if (rule.mustHoldLease) {
    const held = item.claimedById === caller.userId && item.leaseExpiresAt !== null && item.leaseExpiresAt > now;
    if (!held) return { ok: false, reason: "Your claim on this item has lapsed or it was taken by someone else; nothing was changed" };
  }
  return { ok: true, to: rule.to };
}
