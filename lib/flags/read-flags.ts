// Reads flags with their applied configuration and pending-approval count in
// one statement (the applied version is the row whose number the flag points
// at, which Prisma's relation filters cannot express). Callers have already
// checked the actor's access to the project.
import "server-only";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client.ts";
import { exposureBpsOf } from "@/lib/flags/classify-change";
import { stateOf, staleReason, type StaleReason } from "@/lib/flags/flag-state";
import { flagConfigSchema, type FlagConfig, type FlagKind, type FlagState } from "@/lib/flags/schemas";
import { isWelded } from "@/lib/flags/welded";

export type FlagSummary = {
  id: string;
  key: string;
  kind: FlagKind;
  description: string;
  owner: string | null;
  expiresAt: Date | null;
  createdAt: Date;
  environment: { id: string; key: string; name: string; protected: boolean; killSwitchOn: boolean };
  /** The applied version. */
  version: number;
  config: FlagConfig;
  state: FlagState;
  exposureBps: number;
  /** When the applied version took effect (its approval, or its creation). */
  appliedAt: Date;
  pendingApprovals: number;
  stale: StaleReason | null;
  welded: boolean;
};

export type FlagRowFilter = { flagId?: string; environmentId?: string; keys?: string[]; kind?: FlagKind; q?: string };

type Row = {
  id: string;
  key: string;
  kind: FlagKind;
  description: string;
  owner: string | null;
  expiresAt: Date | null;
  createdAt: Date;
  envId: string;
  envKey: string;
  envName: string;
  envProtected: boolean;
  envKillSwitchOn: boolean;
  version: number;
  config: unknown;
  appliedAt: Date;
  pending: number;
};

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function readFlags(projectId: string, filter: FlagRowFilter, now = new Date()): Promise<FlagSummary[]> {
  const where = [Prisma.sql`f."projectId" = ${projectId}::uuid`, Prisma.sql`f."archivedAt" IS NULL`];
  if (filter.flagId) where.push(Prisma.sql`f.id = ${filter.flagId}::uuid`);
  if (filter.environmentId) where.push(Prisma.sql`f."environmentId" = ${filter.environmentId}::uuid`);
  if (filter.keys) where.push(Prisma.sql`f.key = ANY(${filter.keys}::text[])`);
  if (filter.kind) where.push(Prisma.sql`f.kind = ${filter.kind}::"FlagKind"`);
  if (filter.q) {
    const like = `%${escapeLike(filter.q)}%`;
    where.push(Prisma.sql`(f.key ILIKE ${like} OR f.description ILIKE ${like})`);
  }
  const rows = await db().$queryRaw<Row[]>`
    SELECT f.id::text, f.key, f.kind::text AS kind, f.description, f.owner, f."expiresAt", f."createdAt",
           e.id::text AS "envId", e.key AS "envKey", e.name AS "envName", e.protected AS "envProtected", e."killSwitchOn" AS "envKillSwitchOn",
           v.version, v.config, COALESCE(v."approvedAt", v."createdAt") AS "appliedAt",
           (SELECT count(*)::int FROM "FlagVersion" p WHERE p."flagId" = f.id AND p.status = 'PENDING_APPROVAL') AS pending
      FROM "Flag" f
      JOIN "Environment" e ON e.id = f."environmentId"
      JOIN "FlagVersion" v ON v."flagId" = f.id AND v.version = f."currentVersion"
     WHERE ${Prisma.join(where, " AND ")}
     ORDER BY f.key, e.key`;
  return rows.map((r) => {
    const config = flagConfigSchema.parse(r.config);
    return {
      id: r.id,
      key: r.key,
      kind: r.kind,
      description: r.description,
      owner: r.owner,
      expiresAt: r.expiresAt,
      createdAt: r.createdAt,
      environment: { id: r.envId, key: r.envKey, name: r.envName, protected: r.envProtected, killSwitchOn: r.envKillSwitchOn },
      version: r.version,
      config,
      state: stateOf(config),
      exposureBps: exposureBpsOf(config),
      appliedAt: r.appliedAt,
      pendingApprovals: r.pending,
      stale: staleReason({ kind: r.kind, expiresAt: r.expiresAt }, { config, appliedAt: r.appliedAt }, now),
      welded: isWelded(r.key),
    };
  });
}
