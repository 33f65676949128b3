"use client";
// An image from model output, which may point anywhere (tracking pixels, a
// host that learns the reviewer's IP). Nothing is fetched until the reviewer
// asks for it, and then without a referrer.
import { useState } from "react";

export function RemoteImage({ url, alt }: { url: string; alt: string }) {
  const [load, setLoad] = useState(false);
  const host = new URL(url).host;
  if (load) {
    // eslint-disable-next-line @next/next/no-img-element -- a remote image of unknown size from untrusted output, not an asset
    return <img src={url} alt={alt} referrerPolicy="no-referrer" className="my-1 inline-block max-h-80 max-w-full rounded border border-slate-200" />;
  }
  return (
    <button
      type="button"
      onClick={() => setLoad(true)}
      title={url}
      data-testid="image-placeholder"
      className="my-1 inline-flex max-w-full items-center gap-1 rounded border border-dashed border-slate-400 bg-slate-50 px-2 py-1 text-left text-xs text-slate-700 hover:bg-slate-100"
    >
      <svg aria-hidden="true" viewBox="0 0 16 16" className="h-3.5 w-3.5 shrink-0 fill-none stroke-current" strokeWidth="1.5">
        <rect x="1.5" y="2.5" width="13" height="11" rx="1.5" />
        <path d="M1.5 11l4-4 3 3 2-2 4 4" />
      </svg>
      <span>
        Load image from {host}
        {alt ? <span className="text-slate-500"> — “{alt.length > 60 ? `${alt.slice(0, 60)}…` : alt}”</span> : null}
      </span>
    </button>
  );
}
