import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { listAdministeredOrgs } from "@/lib/projects/read-project";
import { PageHeader } from "@/components/ui/page-header";
import { CreateProjectForm } from "@/components/admin/create-project-form";

export const metadata: Metadata = { title: "Projects" };

export default async function ProjectsAdminPage() {
  const actor = await requirePageActor("/admin/projects");
  const orgs = await listAdministeredOrgs(actor);
  if (orgs.length === 0) notFound();
  return (
    <main className="mx-auto max-w-4xl px-4 py-8">
      <Link href="/" className="text-sm text-brand-700 underline">
        ← Console
      </Link>
      <div className="mt-4">
        <PageHeader title="Projects" description="One project per LLM feature or app. Organization admins manage every project." />
      </div>
      <div className="space-y-8">
        {orgs.map((org) => (
          <section key={org.id} className="rounded-lg border border-slate-200 bg-white p-5">
            <h2 className="mb-3 text-base font-semibold">{org.name}</h2>
            <ul className="mb-6 divide-y divide-slate-100 text-sm">
              {org.projects.map((p) => (
                <li key={p.id} className="flex items-center justify-between py-2">
                  <Link href={`/p/${p.slug}/admin`} className="font-medium text-brand-700 hover:underline">
                    {p.name}
                  </Link>
                  <span className="text-slate-500">
                    {p.slug} · {p._count.memberships} members
                  </span>
                </li>
              ))}
            </ul>
            <CreateProjectForm orgId={org.id} />
          </section>
        ))}
      </div>
    </main>
  );
}
