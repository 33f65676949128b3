"use client";
// Reviewer wellness: content in distressing categories is blurred (and hidden
// from assistive technology) until the reviewer chooses to see it. One click
// shows every gated block of the item; it can be blurred again.
import { createContext, useContext, useState } from "react";

type Gate = { hidden: boolean; setHidden: (v: boolean) => void; categories: string[] };
const GateContext = createContext<Gate>({ hidden: false, setHidden: () => {}, categories: [] });

export function SensitiveGate({ blur, categories, children }: { blur: boolean; categories: string[]; children: React.ReactNode }) {
  const [hidden, setHidden] = useState(blur && categories.length > 0);
  return <GateContext.Provider value={{ hidden, setHidden, categories }}>{children}</GateContext.Provider>;
}

export function SensitiveContent({ children, label = "content" }: { children: React.ReactNode; label?: string }) {
  const { hidden, setHidden, categories } = useContext(GateContext);
  if (categories.length === 0) return <>{children}</>;
  return (
    <div className={hidden ? "relative min-h-28" : "relative"} data-testid="sensitive-content" data-blurred={hidden}>
      <div aria-hidden={hidden || undefined} inert={hidden} className={hidden ? "pointer-events-none blur-md select-none" : undefined}>
        {children}
      </div>
      {hidden ? (
        <div className="absolute inset-0 flex flex-col items-center justify-center gap-2 rounded-md bg-white/60 p-4 text-center">
          <p className="text-sm text-slate-800">
            Sensitive {label} ({categories.join(", ")})
          </p>
          <button
            type="button"
            onClick={() => setHidden(false)}
            className="rounded-md bg-slate-800 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-slate-900"
          >
            Show content
          </button>
        </div>
      ) : null}
    </div>
  );
}

/** Re-blurs the item's sensitive content after it was shown. */
export function BlurAgainButton() {
  const { hidden, setHidden, categories } = useContext(GateContext);
  if (categories.length === 0 || hidden) return null;
  return (
    <button type="button" onClick={() => setHidden(true)} className="rounded-md px-2 py-1 text-xs font-medium text-slate-600 hover:bg-slate-100">
      Blur sensitive content again
    </button>
  );
}
