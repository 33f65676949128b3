import type { Metadata } from "next";
import { projectPage } from "@/lib/auth/page-access";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/empty-state";

export const metadata: Metadata = { title: "Flags" };

export default async function Page({ params }: { params: Promise<{ project: string }> }) {
  const { project: slug } = await params;
  const { project } = await projectPage(slug, "flag:read", `/p/${slug}/flags`);
  return (
    <>
      <PageHeader title="Flags" description={project.name} />
      <EmptyState title="Nothing here yet">Feature flags and kill switches for this project will be managed here. The flag control plane is not built yet.</EmptyState>
    </>
  );
}
