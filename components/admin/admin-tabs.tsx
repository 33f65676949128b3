"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

/** The admin tabs the person may open (the layout filters them by role). */
export function AdminTabs({ slug, tabs }: { slug: string; tabs: readonly { label: string; path: string }[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Admin" className="mb-6 flex gap-4 border-b border-slate-200">
      {tabs.map((t) => {
        const href = `/p/${slug}/admin${t.path}`;
        const active = pathname === href;
        return (
          <Link
            key={t.path}
            href={href}
            aria-current={active ? "page" : undefined}
            className={`-mb-px border-b-2 px-1 pb-2 text-sm font-medium ${active ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:text-slate-900"}`}
          >
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}
