import type { Metadata } from "next";
import { projectPage } from "@/lib/auth/page-access";
import { getTriageSettings } from "@/lib/triage-settings/read-triage-settings";
import { PageHeader } from "@/components/ui/page-header";
import { TriageRulesPanel } from "@/components/admin/triage-rules";
import { TriageSlaPanel } from "@/components/admin/triage-sla";
import { TriageSamplingForm } from "@/components/admin/triage-sampling";

export const metadata: Metadata = { title: "Triage settings" };

export default async function TriageSettingsPage({ params }: { params: Promise<{ project: string }> }) {
  const { project: slug } = await params;
  const { actor, project } = await projectPage(slug, "project:manage", `/p/${slug}/admin/triage`);
  const settings = await getTriageSettings(actor, project.id);
  return (
    <div className="space-y-8">
      <PageHeader title="Triage settings" description="How items get their severity, how long the team has to act on them, and how much passed traffic is reviewed blind." />
      <TriageRulesPanel projectId={project.id} rules={settings.rules} />
      <TriageSlaPanel projectId={project.id} policies={settings.slaPolicies} />
      <TriageSamplingForm projectId={project.id} sampling={settings.sampling} />
    </div>
  );
}
