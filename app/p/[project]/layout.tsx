import Link from "next/link";
import { projectPage } from "@/lib/auth/page-access";
import { listVisibleProjects } from "@/lib/auth/access";
import { can } from "@/lib/auth/permissions";
import { navItems } from "@/components/shell/nav-items";
import { MainNav } from "@/components/shell/main-nav";
import { ProjectSwitcher } from "@/components/shell/project-switcher";
import { UserMenu } from "@/components/shell/user-menu";

export default async function ProjectLayout({ children, params }: { children: React.ReactNode; params: Promise<{ project: string }> }) {
  const { project: slug } = await params;
  const { actor, project, role } = await projectPage(slug, "project:read", `/p/${slug}`);
  const projects = await listVisibleProjects(actor);
  const items = navItems.filter((i) => can(role, i.permission)).map(({ label, segment }) => ({ label, segment }));
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-4 px-4 py-3">
          <Link href="/" className="text-lg font-semibold tracking-tight text-brand-900">
            Rampart
          </Link>
          <ProjectSwitcher current={project.slug} projects={projects.map((p) => ({ slug: p.project.slug, name: p.project.name }))} />
          <MainNav slug={project.slug} items={items} />
          <div className="ml-auto">
            <UserMenu email={actor.email} role={role} />
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
    </div>
  );
}
