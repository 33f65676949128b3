import { projectPage } from "@/lib/auth/page-access";
import { AdminTabs } from "@/components/admin/admin-tabs";

export default async function AdminLayout({ children, params }: { children: React.ReactNode; params: Promise<{ project: string }> }) {
  const { project: slug } = await params;
  await projectPage(slug, "project:manage", `/p/${slug}/admin`);
  return (
    <>
      <AdminTabs slug={slug} />
      {children}
    </>
  );
}
