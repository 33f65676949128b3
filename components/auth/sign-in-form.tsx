"use client";
import { useState } from "react";
import { signIn } from "next-auth/react";
import { inputClass } from "@/components/ui/form";

const GENERIC_ERRORS: Record<string, string> = {
  CredentialsSignin: "Email or password is incorrect.",
  OAuthSignin: "Could not start single sign-on. Try again.",
  OAuthCallback: "Single sign-on failed. Try again.",
  AccessDenied: "Access denied.",
  Callback: "Sign-in failed. Try again.",
};

export function SignInForm({ callbackUrl, ssoName, initialError }: { callbackUrl: string; ssoName: string | null; initialError?: string }) {
  const [error, setError] = useState<string | null>(initialError ? (GENERIC_ERRORS[initialError] ?? initialError) : null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setPending(true);
    setError(null);
    const form = new FormData(e.currentTarget);
    const result = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirect: false,
    });
    if (!result || result.error) {
      setPending(false);
      setError(result?.error ? (GENERIC_ERRORS[result.error] ?? result.error) : "Sign-in failed. Try again.");
      return;
    }
    window.location.assign(callbackUrl);
  }

  return (
    <div className="space-y-4">
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <div className="space-y-1">
          <label htmlFor="email" className="block text-sm font-medium text-slate-700">
            Email
          </label>
          <input id="email" name="email" type="email" autoComplete="username" required autoFocus className={inputClass} />
        </div>
        <div className="space-y-1">
          <label htmlFor="password" className="block text-sm font-medium text-slate-700">
            Password
          </label>
          <input id="password" name="password" type="password" autoComplete="current-password" required className={inputClass} />
        </div>
        {error ? (
          <p role="alert" data-testid="sign-in-error" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {error}
          </p>
        ) : null}
        <button
          type="submit"
          disabled={pending}
          className="w-full rounded-md bg-brand-600 px-3 py-2 text-sm font-medium text-white shadow-sm hover:bg-brand-700 disabled:opacity-60"
        >
          {pending ? "Signing in…" : "Sign in"}
        </button>
      </form>
      {ssoName ? (
        <>
          <div className="flex items-center gap-3 text-xs text-slate-400">
            <span className="h-px flex-1 bg-slate-200" />
            or
            <span className="h-px flex-1 bg-slate-200" />
          </div>
          <button
            type="button"
            onClick={() => void signIn("oidc", { callbackUrl })}
            className="w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50"
          >
            Continue with {ssoName}
          </button>
        </>
      ) : null}
    </div>
  );
}
