import type { Metadata } from "next";
import { projectPage } from "@/lib/auth/page-access";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/empty-state";

export const metadata: Metadata = { title: "Exports" };

export default async function Page({ params }: { params: Promise<{ project: string }> }) {
  const { project: slug } = await params;
  const { project } = await projectPage(slug, "export:read", `/p/${slug}/exports`);
  return (
    <>
      <PageHeader title="Exports" description={project.name} />
      <EmptyState title="Nothing here yet">Labeled data exports for model tuning will be listed here. Exports are not built yet.</EmptyState>
    </>
  );
}
