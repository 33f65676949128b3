export function StatusPage({ code, title, children }: { code: string; title: string; children: React.ReactNode }) {
  return (
    <main className="mx-auto flex min-h-[60vh] max-w-lg flex-col justify-center px-6 py-16">
      <p className="text-sm font-semibold text-brand-700">{code}</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">{title}</h1>
      <div className="mt-3 text-slate-600">{children}</div>
    </main>
  );
}
