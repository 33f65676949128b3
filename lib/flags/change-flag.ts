// A general change to one flag's configuration: the whole new configuration,
// classified against the applied one (see write-change.ts for who may do what).
import "server-only";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import { requireFlagAccess, requireUuid } from "@/lib/flags/flag-access";
import { changeFlagSchema, flagConfigSchemaFor, type ChangeFlagInput } from "@/lib/flags/schemas";
import { lockFlagAt, writeChange, type ChangeResult } from "@/lib/flags/write-change";
import { publishFlagMessages } from "@/lib/flags/change-stream";

export async function changeFlag(actor: Actor, projectId: string, input: ChangeFlagInput): Promise<ChangeResult> {
  const access = await requireFlagAccess(actor, projectId, "flag:narrow");
  const data = changeFlagSchema.parse(input);
  requireUuid(data.flagId, "Flag");
  const flag = await db().flag.findFirst({ where: { id: data.flagId, projectId, archivedAt: null }, select: { kind: true, key: true } });
  if (!flag) throw notFound("Flag not found");
  const config = flagConfigSchemaFor(flag.kind, flag.key).parse(data.config);

  const { result, message } = await db().$transaction(async (tx) => {
    const locked = await lockFlagAt(tx, projectId, data.flagId, data.expectedVersion);
    return writeChange(tx, { actor, access, projectId }, locked, config, { reason: data.reason, ticketUrl: data.ticketUrl });
  });
  await publishFlagMessages(message ? [message] : []);
  return result;
}
