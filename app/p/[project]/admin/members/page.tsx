import type { Metadata } from "next";
import { projectPage } from "@/lib/auth/page-access";
import { listMembers } from "@/lib/members/manage-members";
import { PageHeader } from "@/components/ui/page-header";
import { MembersPanel } from "@/components/admin/members-panel";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ project: string }> }) {
  const { project: slug } = await params;
  const { actor, project } = await projectPage(slug, "member:manage", `/p/${slug}/admin/members`);
  const members = await listMembers(actor, project.id);
  return (
    <>
      <PageHeader title="Members" description="Roles: viewer < reviewer < lead < admin. Organization admins are admins of every project." />
      <MembersPanel
        projectId={project.id}
        currentUserId={actor.userId}
        members={members.map((m) => ({ id: m.id, role: m.role, email: m.user.email, name: m.user.name, userId: m.user.id, lastSignInAt: m.user.lastSignInAt?.toISOString() ?? null }))}
      />
    </>
  );
}
