import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { requirePermission, listVisibleProjects } from "@/lib/auth/access";
import { can, permissions, roles } from "@/lib/auth/permissions";
import { listApiKeys } from "@/lib/api-keys/list-api-keys";
import { createApiKey } from "@/lib/api-keys/create-api-key";
import { revokeApiKey } from "@/lib/api-keys/revoke-api-key";
import { listMembers, changeMemberRole, removeMember } from "@/lib/members/manage-members";
import { renameProject } from "@/lib/projects/update-project";
import type { AppError } from "@/lib/errors";
import { makeProject, makeTenant, memberActor, orgAdminActor } from "./fixtures";

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return "OK";
  } catch (err) {
    return (err as AppError).code ?? String(err);
  }
};

let tenant: Awaited<ReturnType<typeof makeTenant>>;
let otherProject: Awaited<ReturnType<typeof makeProject>>;

beforeAll(async () => {
  tenant = await makeTenant();
  otherProject = await makeProject(tenant.org.id);
});
afterAll(disconnectDb);

describe("permission map, checked against the database for each role", () => {
  it.each(roles)("%s gets exactly the permissions the map gives it", async (role) => {
    const actor = await memberActor(tenant.project.id, role);
    for (const permission of permissions) {
      const expected = can(role, permission) ? "OK" : "FORBIDDEN";
      expect(await codeOf(requirePermission(actor, tenant.project.id, permission)), `${role} ${permission}`).toBe(expected);
    }
  });

  it("makes org admins admins of every project in their org", async () => {
    const actor = await orgAdminActor(tenant.org.id);
    for (const permission of permissions) {
      expect(await codeOf(requirePermission(actor, otherProject.id, permission))).toBe("OK");
    }
  });
});

describe("tenant isolation", () => {
  it("answers NOT_FOUND, not FORBIDDEN, for another project's resources", async () => {
    const adminA = await memberActor(tenant.project.id, "ADMIN");
    const adminB = await memberActor(otherProject.id, "ADMIN");
    const keyB = await createApiKey(adminB, otherProject.id, { name: "b-key", scopes: ["events:write"] });

    expect(await codeOf(listApiKeys(adminA, otherProject.id))).toBe("NOT_FOUND");
    expect(await codeOf(listMembers(adminA, otherProject.id))).toBe("NOT_FOUND");
    expect(await codeOf(renameProject(adminA, otherProject.id, { name: "pwned" }))).toBe("NOT_FOUND");
    // B's key id addressed through A's project: A may manage keys, but not that one.
    expect(await codeOf(revokeApiKey(adminA, tenant.project.id, keyB.id))).toBe("NOT_FOUND");
    const membershipB = await db().membership.findFirstOrThrow({ where: { projectId: otherProject.id } });
    expect(await codeOf(changeMemberRole(adminA, tenant.project.id, membershipB.id, "VIEWER"))).toBe("NOT_FOUND");
    expect(await codeOf(removeMember(adminA, tenant.project.id, membershipB.id))).toBe("NOT_FOUND");

    const stillActive = await db().apiKey.findUniqueOrThrow({ where: { id: keyB.id } });
    expect(stillActive.revokedAt).toBeNull();
    expect((await db().project.findUniqueOrThrow({ where: { id: otherProject.id } })).name).not.toBe("pwned");
  });

  it("answers NOT_FOUND for a project id that does not exist, like one the actor cannot see", async () => {
    const actor = await memberActor(tenant.project.id, "ADMIN");
    expect(await codeOf(requirePermission(actor, "00000000-0000-4000-8000-000000000000", "project:read"))).toBe("NOT_FOUND");
  });

  it("lists only the projects the user belongs to", async () => {
    const actor = await memberActor(tenant.project.id, "VIEWER");
    const visible = await listVisibleProjects(actor);
    expect(visible.map((v) => v.project.id)).toEqual([tenant.project.id]);
  });

  it("keeps at least one admin in a project", async () => {
    const { project } = await makeTenant();
    const admin = await memberActor(project.id, "ADMIN");
    const m = await db().membership.findFirstOrThrow({ where: { projectId: project.id, userId: admin.userId } });
    expect(await codeOf(changeMemberRole(admin, project.id, m.id, "LEAD"))).toBe("CONFLICT");
    expect(await codeOf(removeMember(admin, project.id, m.id))).toBe("CONFLICT");
  });
});
