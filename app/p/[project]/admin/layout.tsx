import { projectPage } from "@/lib/auth/page-access";
import { can, type Permission } from "@/lib/auth/permissions";
import { AdminTabs } from "@/components/admin/admin-tabs";

// Each tab's page checks its own permission; the layout only needs the
// project to be readable, and shows the tabs the person may open.
const tabs: { label: string; path: string; permission: Permission }[] = [
  { label: "Settings", path: "", permission: "project:manage" },
  { label: "Members", path: "/members", permission: "member:manage" },
  { label: "Triage", path: "/triage", permission: "project:manage" },
  { label: "API keys", path: "/api-keys", permission: "apikey:manage" },
  { label: "Webhooks", path: "/webhooks", permission: "webhook:manage" },
  { label: "Rollback rules", path: "/rollback", permission: "flag:read" },
  { label: "Audit log", path: "/audit", permission: "audit:read" },
];

export default async function AdminLayout({ children, params }: { children: React.ReactNode; params: Promise<{ project: string }> }) {
  const { project: slug } = await params;
  const { role } = await projectPage(slug, "project:read", `/p/${slug}/admin`);
  return (
    <>
      <AdminTabs slug={slug} tabs={tabs.filter((t) => can(role, t.permission)).map(({ label, path }) => ({ label, path }))} />
      {children}
    </>
  );
}
