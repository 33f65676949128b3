// Renders untrusted Markdown (LLM output, prompts) as React elements. Nothing
// here can run code or fetch anything: text is text (React escapes it), raw
// HTML is not a construct of the parser, links point only to http(s)/mailto
// and open in a new tab without referrer or opener, and images wait behind a
// button. Optional provenance spans colour the text they cover.
import type { ReactNode } from "react";
import { parseMarkdown, type Block, type Inline, type Src } from "@/lib/review/markdown";
import { RemoteImage } from "@/components/review/remote-image";

export type ProvenanceSource = "own_data" | "inferred" | "guess";
export type ProvenanceSpan = { start: number; end: number; source: ProvenanceSource };

/** Beyond this many characters the rest is shown as plain text: parsing stays cheap for the largest responses. */
const MARKDOWN_LIMIT = 100_000;

const PROVENANCE_CODES: Record<ProvenanceSource, number> = { own_data: 1, inferred: 2, guess: 3 };
const PROVENANCE_STYLE: Record<number, { className: string; label: string }> = {
  1: { className: "bg-green-100 underline decoration-green-700 decoration-2 underline-offset-2", label: "own data" },
  2: { className: "bg-amber-100 underline decoration-amber-600 decoration-dashed decoration-2 underline-offset-2", label: "inferred" },
  3: { className: "bg-red-100 underline decoration-red-700 decoration-wavy underline-offset-2", label: "guess" },
};

/** Per source character: 0 unmarked, else the provenance code (later spans win). */
function provenanceMap(length: number, spans: ProvenanceSpan[] | undefined): Uint8Array | null {
  if (!spans?.length) return null;
  const map = new Uint8Array(length);
  for (const s of spans) map.fill(PROVENANCE_CODES[s.source], Math.min(s.start, length), Math.min(s.end, length));
  return map;
}

type Ctx = { prov: Uint8Array | null; key: number };

function text(value: string, src: Src, ctx: Ctx): ReactNode {
  const { prov } = ctx;
  if (!prov || value.length === 0) return value;
  const parts: ReactNode[] = [];
  let start = 0;
  let cur = prov[src[0]!] ?? 0;
  const push = (end: number) => {
    const piece = value.slice(start, end);
    const style = PROVENANCE_STYLE[cur];
    parts.push(
      style ? (
        <mark key={ctx.key++} className={`${style.className} text-inherit`} data-provenance={style.label} title={`Provenance: ${style.label}`}>
          {piece}
          {cur !== 1 ? <span className="sr-only"> ({style.label})</span> : null}
        </mark>
      ) : (
        piece
      ),
    );
  };
  for (let k = 1; k < value.length; k++) {
    const p = prov[src[k]!] ?? 0;
    if (p !== cur) {
      push(k);
      start = k;
      cur = p;
    }
  }
  push(value.length);
  return parts;
}

function hostOf(href: string): string {
  try {
    const url = new URL(href);
    return url.protocol === "mailto:" ? "email" : url.host;
  } catch {
    return "";
  }
}

const clip = (s: string, n = 80) => (s.length > n ? `${s.slice(0, n)}…` : s);

function inlines(nodes: Inline[], ctx: Ctx): ReactNode[] {
  return nodes.map((n) => {
    const key = ctx.key++;
    switch (n.t) {
      case "text":
        return <span key={key}>{text(n.value, n.src, ctx)}</span>;
      case "code":
        return (
          <code key={key} className="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.85em]">
            {text(n.value, n.src, ctx)}
          </code>
        );
      case "em":
        return <em key={key}>{inlines(n.children, ctx)}</em>;
      case "strong":
        return <strong key={key}>{inlines(n.children, ctx)}</strong>;
      case "del":
        return <del key={key}>{inlines(n.children, ctx)}</del>;
      case "br":
        return <br key={key} />;
      case "link": {
        const host = hostOf(n.href);
        return (
          <span key={key}>
            <a href={n.href} target="_blank" rel="noopener noreferrer nofollow" referrerPolicy="no-referrer" title={n.href} className="text-brand-700 underline">
              {inlines(n.children, ctx)}
            </a>
            {host ? <span className="ml-1 text-xs text-slate-500">({host})</span> : null}
          </span>
        );
      }
      case "blocked_link":
        return (
          <span key={key}>
            <span className="underline decoration-dotted">{inlines(n.children, ctx)}</span>
            <span className="ml-1 rounded bg-red-50 px-1 text-xs text-red-800" title={n.destination} data-testid="blocked-link">
              link removed ({clip(n.destination, 40)})
            </span>
          </span>
        );
      case "image":
        return n.url ? (
          <RemoteImage key={key} url={n.url} alt={n.alt} />
        ) : (
          <span key={key} className="rounded border border-dashed border-slate-300 px-1 text-xs text-slate-600" title={n.destination} data-testid="blocked-image">
            image not shown{n.alt ? `: ${clip(n.alt, 60)}` : ""} (unsupported address {clip(n.destination, 40)})
          </span>
        );
    }
  });
}

const headingClass = ["", "text-lg font-semibold", "text-base font-semibold", "text-sm font-semibold", "text-sm font-semibold", "text-sm font-medium", "text-sm font-medium"];

function blocks(nodes: Block[], ctx: Ctx, tight = false): ReactNode[] {
  return nodes.map((b) => {
    const key = ctx.key++;
    switch (b.t) {
      case "para":
        return tight ? <span key={key}>{inlines(b.children, ctx)}</span> : <p key={key}>{inlines(b.children, ctx)}</p>;
      case "heading": {
        // The page's own headings stay on top: a "#" in model output is at most an h3.
        const Tag = `h${Math.min(b.level + 2, 6)}` as "h3" | "h4" | "h5" | "h6";
        return (
          <Tag key={key} className={headingClass[b.level]}>
            {inlines(b.children, ctx)}
          </Tag>
        );
      }
      case "code":
        return (
          <pre key={key} className="overflow-x-auto rounded-md bg-slate-100 p-3 font-mono text-xs leading-5 text-slate-900" data-lang={b.lang ?? undefined}>
            <code>{text(b.value, b.src, ctx)}</code>
          </pre>
        );
      case "quote":
        return (
          <blockquote key={key} className="space-y-2 border-l-4 border-slate-300 pl-3 text-slate-700">
            {blocks(b.children, ctx)}
          </blockquote>
        );
      case "list": {
        const items = b.items.map((item) => (
          <li key={ctx.key++} className={b.tight ? "" : "space-y-2"}>
            {blocks(item, ctx, b.tight)}
          </li>
        ));
        return b.ordered ? (
          <ol key={key} start={b.start} className="list-decimal space-y-1 pl-6">
            {items}
          </ol>
        ) : (
          <ul key={key} className="list-disc space-y-1 pl-6">
            {items}
          </ul>
        );
      }
      case "hr":
        return <hr key={key} className="border-slate-200" />;
    }
  });
}

export function SafeMarkdown({ source, provenance }: { source: string; provenance?: ProvenanceSpan[] }) {
  const ctx: Ctx = { prov: provenanceMap(source.length, provenance), key: 0 };
  // Cut at a line break near the limit so that no construct is split mid-line.
  const cut = source.length <= MARKDOWN_LIMIT ? source.length : Math.max(source.lastIndexOf("\n", MARKDOWN_LIMIT), MARKDOWN_LIMIT / 2);
  const rest = source.slice(cut);
  return (
    <div className="space-y-3 text-sm leading-6 break-words text-slate-900">
      {blocks(parseMarkdown(source.slice(0, cut)), ctx)}
      {rest ? (
        <div>
          <p className="text-xs text-slate-500">The remaining {rest.length.toLocaleString("en")} characters are shown as plain text.</p>
          <pre className="mt-1 font-sans text-sm whitespace-pre-wrap">{text(rest, Int32Array.from({ length: rest.length }, (_v, i) => cut + i), ctx)}</pre>
        </div>
      ) : null}
    </div>
  );
}

/** Share of the text each provenance marks, for the traffic light above a response. */
export function provenanceShares(length: number, spans: ProvenanceSpan[]): Record<ProvenanceSource | "unmarked", number> {
  const map = provenanceMap(length, spans) ?? new Uint8Array(length);
  const counts = [0, 0, 0, 0];
  for (const c of map) counts[c]!++;
  const pct = (n: number) => (length ? Math.round((n / length) * 1000) / 10 : 0);
  return { unmarked: pct(counts[0]!), own_data: pct(counts[1]!), inferred: pct(counts[2]!), guess: pct(counts[3]!) };
}
