import type { Metadata } from "next";
import { projectPage } from "@/lib/auth/page-access";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/empty-state";

export const metadata: Metadata = { title: "Dashboards" };

export default async function Page({ params }: { params: Promise<{ project: string }> }) {
  const { project: slug } = await params;
  const { project } = await projectPage(slug, "dashboard:read", `/p/${slug}/dashboards`);
  return (
    <>
      <PageHeader title="Dashboards" description={project.name} />
      <EmptyState title="Nothing here yet">Safety, operations and incident dashboards will appear here once interactions are ingested. Dashboards are not built yet.</EmptyState>
    </>
  );
}
