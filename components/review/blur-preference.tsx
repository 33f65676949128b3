"use client";
// The reviewer's own "blur sensitive content" setting (stored per user).
import { useState, useTransition } from "react";
import { setBlurSensitiveAction } from "@/app/p/[project]/queue/actions";

export function BlurPreference({ blurSensitive }: { blurSensitive: boolean }) {
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<string | null>(null);
  return (
    <div className="space-y-1">
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input
          type="checkbox"
          defaultChecked={blurSensitive}
          disabled={pending}
          onChange={(e) => {
            const value = e.currentTarget.checked;
            startTransition(async () => {
              const r = await setBlurSensitiveAction(value);
              setMessage(r.ok ? (r.message ?? null) : r.error);
            });
          }}
          className="h-4 w-4 rounded border-slate-300"
        />
        Blur sensitive content until I click
      </label>
      {message ? (
        <p role="status" className="text-xs text-slate-500">
          {message}
        </p>
      ) : null}
    </div>
  );
}
