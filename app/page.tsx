import Link from "next/link";
import { redirect } from "next/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { listVisibleProjects } from "@/lib/auth/access";
import { StatusPage } from "@/components/ui/status-page";

export default async function Home() {
  const actor = await requirePageActor("/");
  const projects = await listVisibleProjects(actor);
  if (projects[0]) redirect(`/p/${projects[0].project.slug}/queue`);
  return (
    <StatusPage code="Welcome" title="You are not in any project yet">
      Ask a project admin to add {actor.email} to a project.
      {actor.orgAdminOf.length > 0 ? (
        <Link href="/admin/projects" className="mt-6 block font-medium text-brand-700 underline">
          Create a project
        </Link>
      ) : null}
    </StatusPage>
  );
}
