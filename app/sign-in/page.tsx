import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { getSessionActor } from "@/lib/auth/session";
import { ssoProviderName } from "@/lib/auth/options";

export const metadata: Metadata = { title: "Sign in" };

/** Only same-site paths may be a post-sign-in destination (no open redirects). */
function safeCallback(raw: string | string[] | undefined): string {
  const v = Array.isArray(raw) ? raw[0] : raw;
  return v && v.startsWith("/") && !v.startsWith("//") ? v : "/";
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallback(params.callbackUrl);
  if (await getSessionActor()) redirect(callbackUrl);
  const error = typeof params.error === "string" ? params.error : undefined;
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          <p className="text-2xl font-semibold tracking-tight text-brand-900">Rampart</p>
          <p className="mt-1 text-sm text-slate-600">Trust &amp; safety console</p>
        </div>
        <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
          <h1 className="mb-4 text-lg font-semibold">Sign in</h1>
          <SignInForm callbackUrl={callbackUrl} ssoName={ssoProviderName()} initialError={error === "SessionRequired" ? undefined : error} />
        </div>
      </div>
    </main>
  );
}
