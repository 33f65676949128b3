// Reads what evaluation needs for one environment, in two small statements.
// Called when a snapshot is first needed, after a change message (debounced),
// after the change stream reconnects, and on a slow periodic refresh.
import "server-only";
import { db } from "@/lib/db";
import { flagConfigSchema, type FlagKind } from "@/lib/flags/schemas";
import type { SnapshotFlag } from "@/lib/flags/evaluate";

export type DeliveryFlag = SnapshotFlag & { costCeilingMicros: bigint | null };

export type LoadedEnvironment = {
  projectId: string;
  environmentId: string;
  environmentKey: string;
  killSwitchOn: boolean;
  flags: Record<string, DeliveryFlag>;
};

type FlagRow = { key: string; kind: FlagKind; salt: string; costCeilingMicros: bigint | null; version: number; config: unknown };

export async function loadEnvironment(environmentId: string): Promise<LoadedEnvironment | null> {
  const env = await db().environment.findUnique({
    where: { id: environmentId },
    select: { id: true, key: true, projectId: true, killSwitchOn: true, project: { select: { archivedAt: true } } },
  });
  if (!env || env.project.archivedAt) return null;
  const rows = await db().$queryRaw<FlagRow[]>`
    SELECT f.key, f.kind::text AS kind, f.salt, f."costCeilingMicros", v.version, v.config
      FROM "Flag" f
      JOIN "FlagVersion" v ON v."flagId" = f.id AND v.version = f."currentVersion"
     WHERE f."environmentId" = ${environmentId}::uuid AND f."archivedAt" IS NULL`;
  const flags: Record<string, DeliveryFlag> = Object.create(null) as Record<string, DeliveryFlag>;
  for (const r of rows) {
    const parsed = flagConfigSchema.safeParse(r.config);
    // A stored configuration that no longer parses is left out: clients get
    // FLAG_NOT_FOUND and their own (safe) default, never a guess.
    if (!parsed.success) {
      console.warn(`[flags] stored configuration of ${r.key} v${r.version} does not parse; serving it as not found`);
      continue;
    }
    flags[r.key] = { key: r.key, kind: r.kind, version: r.version, salt: r.salt, config: parsed.data, costCeilingMicros: r.costCeilingMicros };
  }
  return { projectId: env.projectId, environmentId: env.id, environmentKey: env.key, killSwitchOn: env.killSwitchOn, flags };
}

/** The project's environments, key → id. */
export async function loadProjectEnvironments(projectId: string): Promise<Map<string, string>> {
  const envs = await db().environment.findMany({ where: { projectId }, select: { id: true, key: true } });
  return new Map(envs.map((e) => [e.key, e.id]));
}
