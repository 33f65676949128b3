import type { Metadata } from "next";
import { projectPage } from "@/lib/auth/page-access";
import { listApiKeys } from "@/lib/api-keys/list-api-keys";
import { getProjectSettings } from "@/lib/projects/read-project";
import { apiScopeNames } from "@/lib/api-keys/key-format";
import { PageHeader } from "@/components/ui/page-header";
import { ApiKeysPanel } from "@/components/admin/api-keys-panel";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage({ params }: { params: Promise<{ project: string }> }) {
  const { project: slug } = await params;
  const { actor, project } = await projectPage(slug, "apikey:manage", `/p/${slug}/admin/api-keys`);
  const [keys, settings] = await Promise.all([listApiKeys(actor, project.id), getProjectSettings(actor, project.id)]);
  return (
    <>
      <PageHeader title="API keys" description="Client apps use these to send events and evaluate flags. A key is shown once, when it is created." />
      <ApiKeysPanel
        projectId={project.id}
        scopes={apiScopeNames}
        environments={settings.environments.map((e) => ({ id: e.id, key: e.key }))}
        keys={keys.map((k) => ({
          id: k.id,
          name: k.name,
          prefix: k.prefix,
          scopes: k.scopes,
          environment: k.environment?.key ?? null,
          createdBy: k.createdBy?.email ?? null,
          createdAt: k.createdAt.toISOString(),
          lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
          revokedAt: k.revokedAt?.toISOString() ?? null,
        }))}
      />
    </>
  );
}
