// Creates a flag in every environment of the project (or the ones named), with
// one bucketing salt for all of them so that a user falls in the same bucket
// everywhere. Version 1 is the requested configuration — unless that would
// widen exposure in a protected environment: there version 1 is the same
// configuration disabled, and enabling it is version 2, waiting for approval.
import "server-only";
import { randomBytes } from "node:crypto";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client.ts";
import { recordAudit } from "@/lib/audit/record";
import { AppError, notFound } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import { requireFlagAccess } from "@/lib/flags/flag-access";
import { exposureBpsOf } from "@/lib/flags/classify-change";
import { createFlagSchema, flagConfigSchemaFor, initialConfig, type CreateFlagInput, type FlagKind } from "@/lib/flags/schemas";
import { insertVersion, refuseWelded, snapshotFlagOf, writeChange, type ChangeResult, type LockedFlag } from "@/lib/flags/write-change";
import { publishFlagMessages, streamActor, type FlagStreamMessage } from "@/lib/flags/change-stream";
import { createDefaultRollbackRules } from "@/lib/rollback/default-rules";

export type CreatedFlag = ChangeResult & { environmentKey: string };

export async function createFlag(actor: Actor, projectId: string, input: CreateFlagInput): Promise<{ flags: CreatedFlag[] }> {
  const access = await requireFlagAccess(actor, projectId, "flag:change");
  const data = createFlagSchema.parse(input);
  const kind: FlagKind = data.kind;
  const config = flagConfigSchemaFor(kind, data.key).parse(data.config ?? initialConfig(kind));
  refuseWelded(data.key, config);

  const environments = await db().environment.findMany({
    where: { projectId, ...(data.environmentIds ? { id: { in: data.environmentIds } } : {}) },
    select: { id: true, key: true, protected: true },
    orderBy: { key: "asc" },
  });
  if (environments.length === 0 || (data.environmentIds && environments.length !== new Set(data.environmentIds).size)) {
    throw notFound("Environment not found");
  }
  // The same key in another environment keeps its salt (and kind), so a user's bucket is the same everywhere.
  const sibling = await db().flag.findFirst({ where: { projectId, key: data.key }, select: { salt: true, kind: true } });
  if (sibling && sibling.kind !== kind) {
    throw new AppError("CONFLICT", `"${data.key}" is a ${sibling.kind} flag in another environment of this project`, { field: "kind" });
  }
  const salt = sibling?.salt ?? randomBytes(8).toString("hex");
  const disabled = { ...config, enabled: false };

  const messages: FlagStreamMessage[] = [];
  const flags = await db()
    .$transaction(async (tx) => {
      const taken = await tx.flag.findMany({ where: { projectId, key: data.key, environmentId: { in: environments.map((e) => e.id) } }, select: { environmentId: true } });
      if (taken.length > 0) {
        const names = environments.filter((e) => taken.some((t) => t.environmentId === e.id)).map((e) => e.key);
        throw new AppError("CONFLICT", `A flag with the key "${data.key}" already exists in ${names.join(", ")}`, { field: "key" });
      }
      const out: CreatedFlag[] = [];
      for (const env of environments) {
        // Widening needs a second person in protected environments, creation included.
        const needsApproval = env.protected && config.enabled;
        const first = needsApproval ? disabled : config;
        const direction = first.enabled ? "widening" : "neutral";
        const exposureBps = exposureBpsOf(first);
        const row = await tx.flag.create({
          data: {
            projectId,
            environmentId: env.id,
            key: data.key,
            kind,
            description: data.description,
            owner: data.owner ?? null,
            expiresAt: data.expiresAt ?? null,
            salt,
            currentVersion: 1,
          },
        });
        const version = await insertVersion(tx, actor, {
          flagId: row.id,
          version: 1,
          status: "APPLIED",
          config: first,
          diff: { baseVersion: 0, direction, changes: [{ path: "", before: null, after: first, effect: direction }] },
          reason: data.reason,
          ticketUrl: data.ticketUrl,
        });
        await recordAudit(tx, {
          actor,
          action: "flag.created",
          orgId: access.orgId,
          projectId,
          targetType: "flag",
          targetId: row.id,
          after: { key: row.key, kind, version: 1, exposureBps, config: first, expiresAt: row.expiresAt, owner: row.owner },
          metadata: { environmentId: env.id, environmentKey: env.key, versionId: version.id, reason: data.reason, ...(data.ticketUrl ? { ticketUrl: data.ticketUrl } : {}) },
        });
        // Release flags ship with the playbook's rollback rules, so a new rollout is guarded from its first exposure.
        if (kind === "RELEASE") await createDefaultRollbackRules(tx, actor, { orgId: access.orgId, projectId, flagId: row.id, flagKey: row.key });
        messages.push({
          v: 1,
          type: "flag.created",
          projectId,
          environmentId: env.id,
          actor: streamActor(actor),
          at: version.createdAt.toISOString(),
          flagId: row.id,
          flagKey: row.key,
          version: 1,
          status: "APPLIED",
          currentVersion: 1,
          direction,
          exposureBps,
          flag: snapshotFlagOf(row, 1, first),
        });
        let result: ChangeResult = { flagId: row.id, flagKey: row.key, environmentId: env.id, status: "APPLIED", version: 1, currentVersion: 1, direction, exposureBps };
        if (needsApproval) {
          const locked: LockedFlag = { ...row, environment: env };
          const change = await writeChange(tx, { actor, access, projectId }, locked, config, { reason: data.reason, ticketUrl: data.ticketUrl });
          if (change.message) messages.push(change.message);
          result = change.result;
        }
        out.push({ ...result, environmentKey: env.key });
      }
      return out;
    })
    .catch((err: unknown) => {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
        throw new AppError("CONFLICT", `A flag with the key "${data.key}" already exists in this project`, { field: "key" });
      }
      throw err;
    });
  await publishFlagMessages(messages);
  return { flags };
}
