"use client";
import { signOut } from "next-auth/react";

export function UserMenu({ email, role }: { email: string; role: string }) {
  return (
    <div className="flex items-center gap-3 text-sm">
      <span className="hidden text-slate-600 sm:inline">
        {email} <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-700" data-testid="current-role">{role.toLowerCase()}</span>
      </span>
      <button type="button" onClick={() => void signOut({ callbackUrl: "/sign-in" })} className="rounded-md px-2 py-1 text-slate-600 hover:bg-slate-100">
        Sign out
      </button>
    </div>
  );
}
