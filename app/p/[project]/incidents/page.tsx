import type { Metadata } from "next";
import { projectPage } from "@/lib/auth/page-access";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/empty-state";

export const metadata: Metadata = { title: "Incidents" };

export default async function Page({ params }: { params: Promise<{ project: string }> }) {
  const { project: slug } = await params;
  const { project } = await projectPage(slug, "incident:read", `/p/${slug}/incidents`);
  return (
    <>
      <PageHeader title="Incidents" description={project.name} />
      <EmptyState title="Nothing here yet">Incidents open here when a rollback rule acts or someone opens one by hand. Incident tracking is not built yet.</EmptyState>
    </>
  );
}
