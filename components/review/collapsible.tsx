"use client";
// Long content starts collapsed behind "Show more" so that one huge response
// does not bury the rest of the item.
import { useId, useState } from "react";

export function Collapsible({ long, children }: { long: boolean; children: React.ReactNode }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  if (!long) return <>{children}</>;
  return (
    <div>
      <div id={id} className={open ? "" : "relative max-h-72 overflow-hidden"}>
        {children}
        {open ? null : <div aria-hidden="true" className="pointer-events-none absolute inset-x-0 bottom-0 h-16 bg-linear-to-t from-white" />}
      </div>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((o) => !o)}
        className="mt-2 rounded-md px-2 py-1 text-sm font-medium text-brand-700 hover:bg-brand-50"
      >
        {open ? "Show less" : "Show more"}
      </button>
    </div>
  );
}

