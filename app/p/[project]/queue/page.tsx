import type { Metadata } from "next";
import { projectPage } from "@/lib/auth/page-access";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/empty-state";

export const metadata: Metadata = { title: "Queue" };

export default async function Page({ params }: { params: Promise<{ project: string }> }) {
  const { project: slug } = await params;
  const { project } = await projectPage(slug, "queue:read", `/p/${slug}/queue`);
  return (
    <>
      <PageHeader title="Queue" description={project.name} />
      <EmptyState title="Nothing here yet">Triage items appear here when a classifier flags an interaction or a user reports one. The review queue is not built yet.</EmptyState>
    </>
  );
}
