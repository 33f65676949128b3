"use client";
// Form primitives with labels, error text tied to inputs, and a pending state.
import { createContext, useContext, useEffect, useRef, useTransition } from "react";
import { useFormStatus } from "react-dom";
import type { ActionResult } from "@/lib/http/action-result";

const PendingContext = createContext(false);

/**
 * A form bound to a server action through useActionState. Unlike a plain
 * `<form action>`, it keeps what the user typed when the action answers with
 * an error (React resets uncontrolled fields after every form action), and
 * clears the fields after a success.
 */
export function ActionForm<T>({
  dispatch,
  state,
  className,
  children,
  resetOnSuccess = true,
}: {
  dispatch: (form: FormData) => void;
  state: ActionResult<T>;
  className?: string;
  children: React.ReactNode;
  resetOnSuccess?: boolean;
}) {
  const ref = useRef<HTMLFormElement>(null);
  const submitted = useRef(false);
  const [pending, startTransition] = useTransition();
  useEffect(() => {
    if (submitted.current && state.ok && resetOnSuccess) ref.current?.reset();
  }, [state, resetOnSuccess]);
  return (
    <form
      ref={ref}
      className={className}
      onSubmit={(e) => {
        e.preventDefault();
        // With the submitter, so that a form with several buttons knows which was pressed.
        const data = new FormData(e.currentTarget, (e.nativeEvent as SubmitEvent).submitter);
        submitted.current = true;
        startTransition(() => dispatch(data));
      }}
    >
      <PendingContext.Provider value={pending}>{children}</PendingContext.Provider>
    </form>
  );
}

export const inputClass =
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-600 focus:outline-none focus:ring-1 focus:ring-brand-600 aria-[invalid=true]:border-red-500";

export function Field({
  label,
  name,
  error,
  children,
  hint,
}: {
  label: string;
  name: string;
  error?: string;
  hint?: string;
  children: React.ReactNode;
}) {
  return (
    <div className="space-y-1">
      <label htmlFor={name} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      {children}
      {hint && !error ? <p className="text-xs text-slate-500">{hint}</p> : null}
      {error ? (
        <p id={`${name}-error`} className="text-xs text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function SubmitButton({ children, variant = "primary" }: { children: React.ReactNode; variant?: "primary" | "danger" | "secondary" }) {
  const status = useFormStatus();
  const pending = useContext(PendingContext) || status.pending;
  const styles = {
    primary: "bg-brand-600 text-white hover:bg-brand-700",
    danger: "bg-red-600 text-white hover:bg-red-700",
    secondary: "border border-slate-300 bg-white text-slate-700 hover:bg-slate-50",
  }[variant];
  return (
    <button
      type="submit"
      disabled={pending}
      className={`inline-flex items-center rounded-md px-3 py-2 text-sm font-medium shadow-sm disabled:opacity-60 ${styles}`}
    >
      {pending ? "Working…" : children}
    </button>
  );
}

export function FormMessage({ state }: { state: ActionResult<unknown> }) {
  if (!state.ok) {
    return (
      <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
        {state.error}
      </p>
    );
  }
  if (state.message) {
    return (
      <p role="status" className="rounded-md bg-green-50 px-3 py-2 text-sm text-green-800">
        {state.message}
      </p>
    );
  }
  return null;
}
