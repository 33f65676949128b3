import { redirect } from "next/navigation";
import { projectPage } from "@/lib/auth/page-access";

export default async function Page({ params }: { params: Promise<{ project: string }> }) {
  const { project: slug } = await params;
  await projectPage(slug, "dashboard:read", `/p/${slug}/dashboards`);
  redirect(`/p/${slug}/dashboards/safety`);
}
