// Project membership: add by email, change role, remove. A project always
// keeps at least one admin (org admins aside), so nobody locks everyone out.
import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { db, type Tx } from "@/lib/db";
import { requirePermission } from "@/lib/auth/access";
import { recordAudit } from "@/lib/audit/record";
import { AppError, notFound } from "@/lib/errors";
import { hashPassword } from "@/lib/auth/password";
import type { Actor } from "@/lib/auth/actor-types";
import { addMemberSchema, memberRoleSchema } from "@/lib/projects/schemas";
import type { Role } from "@/lib/auth/permissions";

export async function listMembers(actor: Actor, projectId: string) {
  await requirePermission(actor, projectId, "member:manage");
  return db().membership.findMany({
    where: { projectId },
    orderBy: [{ role: "desc" }, { user: { email: "asc" } }],
    select: { id: true, role: true, createdAt: true, user: { select: { id: true, email: true, name: true, lastSignInAt: true } } },
  });
}

export type AddMemberResult = { membershipId: string; temporaryPassword: string | null };

/**
 * Adds a member by email. An unknown email gets a new account with a one-time
 * temporary password that the admin hands over (SSO users simply sign in).
 */
export async function addMember(actor: Actor, projectId: string, input: z.input<typeof addMemberSchema>): Promise<AddMemberResult> {
  const { project } = await requirePermission(actor, projectId, "member:manage");
  const data = addMemberSchema.parse(input);
  const temporaryPassword = randomBytes(12).toString("base64url");
  const passwordHash = await hashPassword(temporaryPassword);
  return db().$transaction(async (tx) => {
    let user = await tx.user.findUnique({ where: { email: data.email } });
    let created = false;
    if (!user) {
      user = await tx.user.create({ data: { email: data.email, name: data.email.split("@")[0]!, passwordHash } });
      created = true;
      await recordAudit(tx, {
        actor,
        action: "user.created",
        orgId: project.orgId,
        projectId,
        targetType: "user",
        targetId: user.id,
        after: { email: user.email },
      });
    }
    const existing = await tx.membership.findUnique({ where: { projectId_userId: { projectId, userId: user.id } } });
    if (existing) throw new AppError("CONFLICT", `${data.email} is already a member`, { field: "email" });
    const m = await tx.membership.create({ data: { projectId, userId: user.id, role: data.role } });
    await recordAudit(tx, {
      actor,
      action: "member.added",
      orgId: project.orgId,
      projectId,
      targetType: "membership",
      targetId: m.id,
      after: { email: user.email, role: data.role },
    });
    return { membershipId: m.id, temporaryPassword: created ? temporaryPassword : null };
  });
}

async function assertKeepsAnAdmin(tx: Tx, projectId: string, membershipId: string, newRole: Role | null) {
  if (newRole === "ADMIN") return;
  const admins = await tx.membership.findMany({ where: { projectId, role: "ADMIN" }, select: { id: true } });
  if (admins.length === 1 && admins[0]!.id === membershipId) {
    throw new AppError("CONFLICT", "A project must keep at least one admin");
  }
}

export async function changeMemberRole(actor: Actor, projectId: string, membershipId: string, role: Role) {
  const { project } = await requirePermission(actor, projectId, "member:manage");
  const newRole = memberRoleSchema.parse(role);
  if (!z.uuid().safeParse(membershipId).success) throw notFound("Member not found");
  await db().$transaction(async (tx) => {
    const m = await tx.membership.findFirst({ where: { id: membershipId, projectId }, include: { user: { select: { email: true } } } });
    if (!m) throw notFound("Member not found");
    if (m.role === newRole) return;
    if (m.role === "ADMIN") await assertKeepsAnAdmin(tx, projectId, m.id, newRole);
    await tx.membership.update({ where: { id: m.id }, data: { role: newRole } });
    await recordAudit(tx, {
      actor,
      action: "member.role_changed",
      orgId: project.orgId,
      projectId,
      targetType: "membership",
      targetId: m.id,
      before: { email: m.user.email, role: m.role },
      after: { email: m.user.email, role: newRole },
    });
  });
}

export async function removeMember(actor: Actor, projectId: string, membershipId: string) {
  const { project } = await requirePermission(actor, projectId, "member:manage");
  if (!z.uuid().safeParse(membershipId).success) throw notFound("Member not found");
  await db().$transaction(async (tx) => {
    const m = await tx.membership.findFirst({ where: { id: membershipId, projectId }, include: { user: { select: { email: true } } } });
    if (!m) throw notFound("Member not found");
    if (m.role === "ADMIN") await assertKeepsAnAdmin(tx, projectId, m.id, null);
    await tx.membership.delete({ where: { id: m.id } });
    await recordAudit(tx, {
      actor,
      action: "member.removed",
      orgId: project.orgId,
      projectId,
      targetType: "membership",
      targetId: m.id,
      before: { email: m.user.email, role: m.role },
    });
  });
}
