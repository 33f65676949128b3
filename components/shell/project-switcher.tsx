"use client";
import { useRouter, usePathname } from "next/navigation";

export function ProjectSwitcher({ current, projects }: { current: string; projects: { slug: string; name: string }[] }) {
  const router = useRouter();
  const pathname = usePathname();
  return (
    <div>
      <label htmlFor="project-switcher" className="sr-only">
        Project
      </label>
      <select
        id="project-switcher"
        value={current}
        onChange={(e) => {
          const section = pathname.split("/")[3] ?? "queue";
          router.push(`/p/${e.target.value}/${section}`);
        }}
        className="rounded-md border border-slate-300 bg-white py-1.5 pr-8 pl-2 text-sm font-medium"
      >
        {projects.map((p) => (
          <option key={p.slug} value={p.slug}>
            {p.name}
          </option>
        ))}
      </select>
    </div>
  );
}
