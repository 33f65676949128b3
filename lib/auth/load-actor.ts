// Builds a UserActor from the database, so that a disabled account or a
// removed membership takes effect on the next request, whatever the token says.
import "server-only";
import { db } from "@/lib/db";
import type { UserActor } from "@/lib/auth/actor-types";

export async function loadUserActor(userId: string, ip?: string | null): Promise<UserActor | null> {
  const user = await db().user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      email: true,
      name: true,
      disabledAt: true,
      orgMemberships: { where: { role: { in: ["OWNER", "ADMIN"] } }, select: { orgId: true } },
    },
  });
  if (!user || user.disabledAt) return null;
  return {
    kind: "user",
    userId: user.id,
    email: user.email,
    name: user.name,
    orgAdminOf: user.orgMemberships.map((m) => m.orgId),
    ip: ip ?? null,
  };
}
