import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import { requirePermission } from "@/lib/auth/access";
import { recordAudit } from "@/lib/audit/record";
import { AppError, notFound } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import { environmentSchema, renameProjectSchema } from "@/lib/projects/schemas";

export async function renameProject(actor: Actor, projectId: string, input: z.input<typeof renameProjectSchema>) {
  const { project } = await requirePermission(actor, projectId, "project:manage");
  const { name } = renameProjectSchema.parse(input);
  if (name === project.name) return;
  await db().$transaction(async (tx) => {
    await tx.project.update({ where: { id: projectId }, data: { name } });
    await recordAudit(tx, {
      actor,
      action: "project.renamed",
      orgId: project.orgId,
      projectId,
      targetType: "project",
      targetId: projectId,
      before: { name: project.name },
      after: { name },
    });
  });
}

export async function createEnvironment(actor: Actor, projectId: string, input: z.input<typeof environmentSchema>) {
  const { project } = await requirePermission(actor, projectId, "project:manage");
  const data = environmentSchema.parse(input);
  return db().$transaction(async (tx) => {
    const clash = await tx.environment.findUnique({ where: { projectId_key: { projectId, key: data.key } } });
    if (clash) throw new AppError("CONFLICT", `Environment "${data.key}" already exists`, { field: "key" });
    const env = await tx.environment.create({ data: { ...data, projectId } });
    await recordAudit(tx, {
      actor,
      action: "environment.created",
      orgId: project.orgId,
      projectId,
      targetType: "environment",
      targetId: env.id,
      after: data,
    });
    return env;
  });
}

export async function setEnvironmentProtected(actor: Actor, projectId: string, environmentId: string, value: boolean) {
  const { project } = await requirePermission(actor, projectId, "project:manage");
  if (!z.uuid().safeParse(environmentId).success) throw notFound("Environment not found");
  await db().$transaction(async (tx) => {
    const env = await tx.environment.findFirst({ where: { id: environmentId, projectId } });
    if (!env) throw notFound("Environment not found");
    if (env.protected === value) return;
    await tx.environment.update({ where: { id: env.id }, data: { protected: value } });
    await recordAudit(tx, {
      actor,
      action: "environment.protection_changed",
      orgId: project.orgId,
      projectId,
      targetType: "environment",
      targetId: env.id,
      before: { protected: env.protected },
      after: { protected: value },
    });
  });
}
