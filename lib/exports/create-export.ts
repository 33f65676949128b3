// Asks for an export: the Export row, its audit event and the outbox row that
// gets the worker to generate it, in one transaction (the outbox relay hands
// it to BullMQ, also after a Redis outage). Including personal data needs
// export:pii on top of export:create, and the audit event says it was asked for.
import "server-only";
import { db } from "@/lib/db";
import { requirePermission } from "@/lib/auth/access";
import { recordAudit } from "@/lib/audit/record";
import type { Actor } from "@/lib/auth/actor-types";
import { forbidden, notFound } from "@/lib/errors";
import { can } from "@/lib/auth/permissions";
import {
  createExportSchema,
  describeFilter,
  EXPORT_SCHEMA_VERSION,
  type CreateExportInput,
} from "@/lib/exports/schemas";
import { z } from "zod";

export type CreatedExport = { id: string };

export async function createExport(
  actor: Actor,
  projectId: string,
  input: CreateExportInput,
  rerunOf?: string,
): Promise<CreatedExport> {
  const access = await requirePermission(actor, projectId, "export:create");
  const { format, filter, includePii } = createExportSchema.parse(input);
  if (includePii && !can(access.role, "export:pii"))
    throw forbidden("Exporting personal data needs the export:pii permission (an admin of this project)");
  if (actor.kind !== "user") throw forbidden("Exports are asked for by people");

  return db().$transaction(async (tx) => {
    const created = await tx.export.create({
      data: {
        projectId,
        requestedById: actor.userId,
        format,
        schemaVersion: EXPORT_SCHEMA_VERSION,
        filter,
        includePii,
      },
      select: { id: true },
    });
    await recordAudit(tx, {
      actor,
      action: includePii ? "export.created_with_pii" : "export.created",
      orgId: access.project.orgId,
      projectId,
      targetType: "export",
      targetId: created.id,
      after: { format, filter, includePii, schemaVersion: EXPORT_SCHEMA_VERSION },
      metadata: { filterText: describeFilter(filter), ...(rerunOf ? { rerunOf } : {}) },
    });
    await tx.outboxEvent.create({ data: { queue: "exports", job: "run", payload: { exportId: created.id } } });
    return created;
  });
}

/** A new export with the format, filter and PII choice of an earlier one. */
export async function rerunExport(actor: Actor, projectId: string, exportId: string): Promise<CreatedExport> {
  await requirePermission(actor, projectId, "export:create");
  if (!z.uuid().safeParse(exportId).success) throw notFound("Export not found");
  const earlier = await db().export.findFirst({
    where: { id: exportId, projectId },
    select: { format: true, filter: true, includePii: true },
  });
  if (!earlier) throw notFound("Export not found");
  return createExport(
    actor,
    projectId,
    { format: earlier.format, filter: earlier.filter as CreateExportInput["filter"], includePii: earlier.includePii },
    exportId,
  );
}
