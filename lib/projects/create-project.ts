import "server-only";
import { db } from "@/lib/db";
import { requireOrgAdmin } from "@/lib/auth/access";
import { recordAudit } from "@/lib/audit/record";
import { AppError } from "@/lib/errors";
import { newSealedKey } from "@/lib/crypto/secretbox";
import type { Actor } from "@/lib/auth/actor-types";
import { defaultEnvironments, defaultSlaPolicies } from "@/lib/projects/defaults";
import { createProjectSchema } from "@/lib/projects/schemas";
import type { z } from "zod";

export async function createProject(actor: Actor, input: z.input<typeof createProjectSchema>) {
  const data = createProjectSchema.parse(input);
  requireOrgAdmin(actor, data.orgId);
  return db().$transaction(async (tx) => {
    if (await tx.project.findUnique({ where: { slug: data.slug }, select: { id: true } })) {
      throw new AppError("CONFLICT", "That slug is taken", { field: "slug" });
    }
    const project = await tx.project.create({
      data: {
        orgId: data.orgId,
        name: data.name,
        slug: data.slug,
        pseudonymKeyEnc: newSealedKey(),
        environments: { create: defaultEnvironments.map((e) => ({ ...e })) },
        slaPolicies: { create: defaultSlaPolicies },
      },
    });
    await recordAudit(tx, {
      actor,
      action: "project.created",
      orgId: data.orgId,
      projectId: project.id,
      targetType: "project",
      targetId: project.id,
      after: { name: project.name, slug: project.slug, environments: defaultEnvironments.map((e) => e.key) },
    });
    return project;
  });
}
