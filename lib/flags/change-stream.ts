// The per-project flag change stream: every flag change, request, decision
// and environment kill switch is published on Redis pub/sub after its
// transaction commits, for the push stream (SSE) and open consoles.
//
// Channel: `rampart:flags:<projectId>` (pub/sub ignores the Redis database
// number, so the project id alone keeps projects and test runs apart).
// Messages are JSON (FlagStreamMessage below, `v: 1`). Pub/sub is fire and
// forget — a subscriber that was away misses messages — so a message is a
// prompt to update, and Postgres stays the source of truth: a subscriber
// that reconnects reloads its snapshot and can use `version` to ignore a
// message older than what it holds.
import "server-only";
import { redis } from "@/lib/redis";
import { actorFields } from "@/lib/audit/record";
import type { Actor } from "@/lib/auth/actor-types";
import type { SnapshotFlag } from "@/lib/flags/evaluate";
import type { ChangeDirection } from "@/lib/flags/classify-change";

export const flagChannel = (projectId: string) => `rampart:flags:${projectId}`;

export type StreamActor = { type: "USER" | "API_KEY" | "SYSTEM"; id: string | null; label: string | null };

type Base = { v: 1; projectId: string; environmentId: string; actor: StreamActor; at: string };

export type FlagVersionMessage = Base & {
  type: "flag.created" | "flag.changed" | "flag.change_requested" | "flag.change_approved" | "flag.change_rejected";
  flagId: string;
  flagKey: string;
  /** The version this message is about (the requested one for requests and decisions). */
  version: number;
  status: "APPLIED" | "PENDING_APPROVAL" | "REJECTED";
  /** The flag's applied version after this event. */
  currentVersion: number;
  direction: ChangeDirection;
  exposureBps: number;
  /** The flag as evaluation now sees it, when this event changed it (created, changed, approved). */
  flag?: SnapshotFlag;
};

export type KillSwitchMessage = Base & {
  type: "environment.kill_switch";
  environmentKey: string;
  on: boolean;
  reason: string;
};

/** A flag setting outside its versioned configuration changed (the cost ceiling): reload the flag. */
export type FlagSettingsMessage = Base & { type: "flag.settings_changed"; flagId: string; flagKey: string };

/** A user went over a flag's hourly cost ceiling: they get its fallback until `until`. */
export type CostBreakerMessage = Base & { type: "flag.cost_breaker"; flagKey: string; userRef: string; until: string };

export type FlagStreamMessage = FlagVersionMessage | KillSwitchMessage | FlagSettingsMessage | CostBreakerMessage;

export function streamActor(actor: Actor): StreamActor {
  const f = actorFields(actor);
  return { type: f.actorType, id: f.actorId, label: f.actorLabel };
}

// Long enough for a healthy Redis; short enough that an outage delays a
// change (often an incident mitigation) by no more than this.
const PUBLISH_WAIT_MS = 500;

/**
 * Publishes after a commit. Never throws: the change is already durable, and
 * subscribers catch up from Postgres. Commands wait in ioredis's offline queue
 * while Redis is unreachable, so a late message still goes out on reconnect.
 */
export async function publishFlagMessages(messages: readonly FlagStreamMessage[]): Promise<void> {
  if (messages.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  try {
    const published = Promise.all(messages.map((m) => redis().publish(flagChannel(m.projectId), JSON.stringify(m)))).then(
      () => "sent" as const,
      (err: Error) => {
        console.warn(`[flags] change stream publish failed: ${err.message}`);
        return "failed" as const;
      },
    );
    const waited = new Promise<"waiting">((resolve) => {
      timer = setTimeout(() => resolve("waiting"), PUBLISH_WAIT_MS);
    });
    if ((await Promise.race([published, waited])) === "waiting") console.warn("[flags] change stream publish is waiting for Redis; continuing");
  } catch (err) {
    console.warn(`[flags] change stream publish failed: ${(err as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}
