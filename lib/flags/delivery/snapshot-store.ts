// The in-memory evaluation snapshots of this process, kept current by the
// flag change stream (lib/flags/change-stream.ts), so that an evaluation is
// a lookup and a pure function call — never a database query.
//
//   - An environment is loaded from Postgres the first time it is asked for.
//   - A change message is applied at once when it carries the flag as
//     evaluation sees it (a kill, a cut, an approval: sub-millisecond after
//     Redis delivers it), and a reload from Postgres follows shortly after to
//     correct anything a message could not say or that arrived out of order.
//   - When the subscription (re)connects every loaded environment is
//     reloaded, since pub/sub drops what is published while one is away; a
//     slow periodic refresh covers a subscription that is silently stuck.
//   - Per-user cost breaker trips (lib/flags/delivery/cost-breaker.ts) are
//     held here too, read from Redis on load and updated by messages.
//
// Listeners (the SSE hub) hear when an environment's revision — a digest of
// everything evaluation reads — changes, and when one user's breaker trips.
//
// One store per process, on globalThis: Next's server bundle and the lean
// HTTP layer are separate module copies and must share it.
import "server-only";
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { createRedis, redis } from "@/lib/redis";
import type { FlagStreamMessage } from "@/lib/flags/change-stream";
import type { EvaluationSnapshot } from "@/lib/flags/evaluate";
import { loadEnvironment, loadProjectEnvironments, type DeliveryFlag } from "@/lib/flags/delivery/load-snapshot";
import { currentTrips } from "@/lib/flags/delivery/cost-breaker-keys";

const CHANNEL_PATTERN = "rampart:flags:*";
const RELOAD_DEBOUNCE_MS = 150;
const REFRESH_EVERY_MS = 30_000;
const PROJECT_ENVS_TTL_MS = 30_000;

export type EnvironmentSnapshot = {
  projectId: string;
  environmentId: string;
  environmentKey: string;
  snapshot: EvaluationSnapshot & { flags: Readonly<Record<string, DeliveryFlag>> };
  /** Digest of everything evaluation reads; changes whenever a result could. */
  revision: string;
  /** Flag keys in order (bulk evaluation answers in this order). */
  sortedKeys: readonly string[];
  /** Some flag has a cost ceiling (only then does evaluation look at trips). */
  hasCostCeilings: boolean;
  /** When the configuration last changed, unix seconds (OFREP's `lastModified`). */
  changedAt: number;
  loadedAt: number;
  /** flag key → pseudonymous user ref → epoch ms until which the breaker holds. */
  trips: Map<string, Map<string, number>>;
};

export type StoreEvent =
  | { kind: "revision"; environmentId: string; revision: string; changedAt: number }
  | { kind: "user"; environmentId: string; userRef: string; revision: string; changedAt: number };

type Entry = { current: EnvironmentSnapshot | null; loading: Promise<EnvironmentSnapshot | null> | null; reloadTimer: NodeJS.Timeout | null };

export class SnapshotStore {
  private readonly entries = new Map<string, Entry>();
  private readonly projectEnvs = new Map<string, { at: number; envs: Promise<Map<string, string>> }>();
  private readonly listeners = new Set<(e: StoreEvent) => void>();
  private subscriber: Redis | null = null;
  private subscribed = false;
  private refreshTimer: NodeJS.Timeout | null = null;
  private closed = false;

  /** The snapshot of an environment, loading it if this process has not yet. Null if it does not exist. */
  async get(environmentId: string): Promise<EnvironmentSnapshot | null> {
    this.start();
    const entry = this.entry(environmentId);
    if (entry.current) return entry.current;
    return this.load(environmentId);
  }

  /** Synchronous peek (hot path): the loaded snapshot, or null when not loaded yet. */
  peek(environmentId: string): EnvironmentSnapshot | null {
    return this.entries.get(environmentId)?.current ?? null;
  }

  /** Resolves an environment key of a project (for keys not bound to one environment). */
  async environmentId(projectId: string, environmentKey: string): Promise<string | null> {
    const cached = this.projectEnvs.get(projectId);
    let envs: Promise<Map<string, string>>;
    if (cached && Date.now() - cached.at < PROJECT_ENVS_TTL_MS) envs = cached.envs;
    else {
      envs = loadProjectEnvironments(projectId);
      this.projectEnvs.set(projectId, { at: Date.now(), envs });
      envs.catch(() => this.projectEnvs.delete(projectId));
    }
    return (await envs).get(environmentKey) ?? null;
  }

  onEvent(listener: (e: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** True while the change stream subscription is live. */
  get live(): boolean {
    return this.subscribed;
  }

  /** Applies a change message (also the path messages from Redis take). */
  apply(message: FlagStreamMessage): void {
    const entry = this.entries.get(message.environmentId);
    const current = entry?.current;
    if (!entry || !current) return; // not loaded here: it will be read fresh when asked for
    switch (message.type) {
      case "flag.created":
      case "flag.changed":
      case "flag.change_approved": {
        const f = message.flag;
        if (!f) return;
        const held = current.snapshot.flags[f.key];
        if (held && held.version > f.version) return; // an older message arriving late
        this.replace(entry, {
          ...current.snapshot,
          flags: { ...current.snapshot.flags, [f.key]: { ...f, costCeilingMicros: held?.costCeilingMicros ?? null } },
        });
        this.scheduleReload(message.environmentId);
        return;
      }
      case "environment.kill_switch":
        this.replace(entry, { ...current.snapshot, environmentKillSwitchOn: message.on });
        this.scheduleReload(message.environmentId);
        return;
      case "flag.settings_changed":
        this.scheduleReload(message.environmentId, 0);
        return;
      case "flag.cost_breaker": {
        const until = Date.parse(message.until);
        if (!(until > Date.now())) return;
        let users = current.trips.get(message.flagKey);
        if (!users) current.trips.set(message.flagKey, (users = new Map()));
        users.set(message.userRef, until);
        this.emit({ kind: "user", environmentId: current.environmentId, userRef: message.userRef, revision: current.revision, changedAt: current.changedAt });
        return;
      }
      default:
        return; // requests and rejections change nothing evaluation sees
    }
  }

  /** Reloads every loaded environment from Postgres (after a reconnect, periodically, in tests). */
  async reloadAll(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((id) => this.load(id).catch(() => null)));
  }

  close(): void {
    this.closed = true;
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    for (const e of this.entries.values()) if (e.reloadTimer) clearTimeout(e.reloadTimer);
    this.entries.clear();
    this.projectEnvs.clear();
    this.subscriber?.disconnect();
    this.subscriber = null;
    this.subscribed = false;
  }

  private entry(environmentId: string): Entry {
    let entry = this.entries.get(environmentId);
    if (!entry) this.entries.set(environmentId, (entry = { current: null, loading: null, reloadTimer: null }));
    return entry;
  }

  private load(environmentId: string): Promise<EnvironmentSnapshot | null> {
    const entry = this.entry(environmentId);
    if (entry.loading) return entry.loading;
    const loading = (async () => {
      const loaded = await loadEnvironment(environmentId);
      if (!loaded) {
        this.entries.delete(environmentId);
        return null;
      }
      const trips = await currentTrips(redis(), environmentId).catch(() => entry.current?.trips ?? new Map<string, Map<string, number>>());
      const snapshot = { environmentKillSwitchOn: loaded.killSwitchOn, flags: loaded.flags };
      const revision = revisionOf(snapshot);
      const previous = entry.current;
      if (previous && previous.revision === revision && previous.environmentKey === loaded.environmentKey && sameContent(previous.snapshot, snapshot)) {
        // Nothing evaluation reads changed (the periodic refresh, mostly): keep the object, and
        // with it what is cached against it (OFREP results), instead of recomputing it all.
        previous.trips = trips;
        previous.loadedAt = Date.now();
        return previous;
      }
      const next: EnvironmentSnapshot = {
        projectId: loaded.projectId,
        environmentId,
        environmentKey: loaded.environmentKey,
        snapshot,
        revision,
        ...derived(snapshot),
        changedAt: previous && previous.revision === revision ? previous.changedAt : Math.floor(Date.now() / 1000),
        loadedAt: Date.now(),
        trips,
      };
      entry.current = next;
      if (previous && previous.revision !== revision) this.emit({ kind: "revision", environmentId, revision, changedAt: next.changedAt });
      return next;
    })().finally(() => {
      entry.loading = null;
    });
    entry.loading = loading;
    return loading;
  }

  private replace(entry: Entry, snapshot: EnvironmentSnapshot["snapshot"]): void {
    const current = entry.current!;
    const revision = revisionOf(snapshot);
    if (revision === current.revision) return;
    const changedAt = Math.floor(Date.now() / 1000);
    entry.current = { ...current, snapshot, revision, changedAt, ...derived(snapshot) };
    this.emit({ kind: "revision", environmentId: current.environmentId, revision, changedAt });
  }

  private scheduleReload(environmentId: string, delay = RELOAD_DEBOUNCE_MS): void {
    const entry = this.entries.get(environmentId);
    if (!entry || this.closed) return;
    if (entry.reloadTimer) clearTimeout(entry.reloadTimer);
    entry.reloadTimer = setTimeout(() => {
      entry.reloadTimer = null;
      this.load(environmentId).catch((err: Error) => console.warn(`[flags] snapshot reload failed: ${err.message}`));
    }, delay);
    entry.reloadTimer.unref();
  }

  private emit(e: StoreEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        console.warn(`[flags] snapshot listener failed: ${(err as Error).message}`);
      }
    }
  }

  private start(): void {
    if (this.subscriber || this.closed) return;
    const sub = createRedis({ maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2_000) });
    this.subscriber = sub;
    let connectedBefore = false;
    sub.on("ready", () => {
      sub
        .psubscribe(CHANNEL_PATTERN)
        .then(() => {
          this.subscribed = true;
          // Anything published while we were away is lost: read it from Postgres.
          if (connectedBefore) void this.reloadAll();
          connectedBefore = true;
        })
        .catch((err: Error) => console.warn(`[flags] change stream subscribe failed: ${err.message}`));
    });
    sub.on("close", () => {
      this.subscribed = false;
    });
    sub.on("error", () => {
      /* reconnects by itself; `live` says whether we are subscribed */
    });
    sub.on("pmessage", (_pattern: string, _channel: string, raw: string) => {
      let message: FlagStreamMessage;
      try {
        message = JSON.parse(raw) as FlagStreamMessage;
      } catch {
        return;
      }
      if (message?.v === 1) this.apply(message);
    });
    this.refreshTimer = setInterval(() => void this.reloadAll(), REFRESH_EVERY_MS);
    this.refreshTimer.unref();
  }
}

function derived(snapshot: EnvironmentSnapshot["snapshot"]): Pick<EnvironmentSnapshot, "sortedKeys" | "hasCostCeilings"> {
  const sortedKeys = Object.keys(snapshot.flags).sort();
  return { sortedKeys, hasCostCeilings: sortedKeys.some((k) => snapshot.flags[k]!.costCeilingMicros !== null) };
}

/** Whether two snapshots hold exactly the same flags and kill switch (compared in full, not by digest). */
function sameContent(a: EnvironmentSnapshot["snapshot"], b: EnvironmentSnapshot["snapshot"]): boolean {
  const text = (x: EnvironmentSnapshot["snapshot"]) => JSON.stringify(x, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
  return text(a) === text(b);
}

function revisionOf(snapshot: EnvironmentSnapshot["snapshot"]): string {
  const h = createHash("sha1");
  h.update(snapshot.environmentKillSwitchOn ? "K1" : "K0");
  for (const key of Object.keys(snapshot.flags).sort()) {
    const f = snapshot.flags[key]!;
    h.update(`|${key}@${f.version}@${f.costCeilingMicros ?? ""}`);
  }
  return h.digest("base64url").slice(0, 16);
}

const globalForStore = globalThis as unknown as { rampartSnapshotStore?: SnapshotStore };

export function snapshotStore(): SnapshotStore {
  globalForStore.rampartSnapshotStore ??= new SnapshotStore();
  return globalForStore.rampartSnapshotStore;
}

/** For tests and shutdown. */
export function closeSnapshotStore(): void {
  globalForStore.rampartSnapshotStore?.close();
  globalForStore.rampartSnapshotStore = undefined;
}

