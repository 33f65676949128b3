// Builds isolated tenants for integration tests: every call makes a fresh
// org and project with unique slugs, so test files never share rows.
import { randomBytes } from "node:crypto";
import { db } from "@/lib/db";
import { newSealedKey } from "@/lib/crypto/secretbox";
import { loadUserActor } from "@/lib/auth/load-actor";
import type { UserActor } from "@/lib/auth/actor-types";
import type { Role } from "@/lib/auth/permissions";

export const uniq = (p: string) => `${p}-${randomBytes(4).toString("hex")}`;

export async function makeUser(label = "user"): Promise<string> {
  const u = await db().user.create({ data: { email: `${uniq(label)}@test.local`, name: label } });
  return u.id;
}

export async function makeTenant() {
  const org = await db().organization.create({ data: { slug: uniq("org"), name: "Test Org" } });
  const project = await makeProject(org.id);
  return { org, project };
}

export async function makeProject(orgId: string) {
  return db().project.create({
    data: {
      orgId,
      slug: uniq("proj"),
      name: "Test Project",
      pseudonymKeyEnc: newSealedKey(),
      environments: { create: [{ key: "production", name: "Production", protected: true }] },
    },
    include: { environments: true },
  });
}

export async function memberActor(projectId: string, role: Role): Promise<UserActor> {
  const userId = await makeUser(role.toLowerCase());
  await db().membership.create({ data: { projectId, userId, role } });
  return (await loadUserActor(userId))!;
}

export async function orgAdminActor(orgId: string): Promise<UserActor> {
  const userId = await makeUser("orgadmin");
  await db().orgMembership.create({ data: { orgId, userId, role: "ADMIN" } });
  return (await loadUserActor(userId))!;
}

/** What a superuser can do to append-only evidence: the triggers are off only inside this transaction. */
export async function tamper(table: string, sql: string, ...params: unknown[]) {
  await db().$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`ALTER TABLE "${table}" DISABLE TRIGGER USER`);
    await tx.$executeRawUnsafe(sql, ...params);
    await tx.$executeRawUnsafe(`ALTER TABLE "${table}" ENABLE TRIGGER USER`);
  });
}
