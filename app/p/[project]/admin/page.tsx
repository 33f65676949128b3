import type { Metadata } from "next";
import { projectPage } from "@/lib/auth/page-access";
import { getProjectSettings } from "@/lib/projects/read-project";
import { PageHeader } from "@/components/ui/page-header";
import { RenameProjectForm, EnvironmentsPanel } from "@/components/admin/project-settings";
import { EraseSubjectForm } from "@/components/admin/erase-subject-form";

export const metadata: Metadata = { title: "Project settings" };

export default async function AdminSettingsPage({ params }: { params: Promise<{ project: string }> }) {
  const { project: slug } = await params;
  const { actor, project } = await projectPage(slug, "project:manage", `/p/${slug}/admin`);
  const settings = await getProjectSettings(actor, project.id);
  return (
    <div className="space-y-8">
      <PageHeader title="Project settings" description={`Slug: ${settings.slug} · retention ${settings.retentionDays} days`} />
      <RenameProjectForm projectId={project.id} name={settings.name} />
      <EnvironmentsPanel projectId={project.id} environments={settings.environments} />
      <EraseSubjectForm projectId={project.id} />
    </div>
  );
}
