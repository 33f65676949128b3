// A small Markdown parser for untrusted LLM output: paragraphs, headings,
// emphasis, strikethrough, code spans and fenced blocks, lists, block quotes,
// rules, links and images. It only builds a tree; components/review/safe-markdown
// turns the tree into React elements. Raw HTML is not a construct here at all:
// "<script>" stays the text "<script>". Links keep only http(s) and mailto
// destinations; images keep only the address, never load anything by
// themselves. Pure; safe for client code.
//
// Every text node remembers, per character, its offset in the source string,
// so that spans over the source (provenance markers) can be drawn on the
// rendered text. Every scan is linear or bounded: closers are found through
// precomputed tables or remembered failures, and nesting is capped, so a
// hostile 500 KB response cannot make rendering quadratic.

/** Source offset of each character of a text node. */
export type Src = Int32Array;

export type Inline =
  | { t: "text"; value: string; src: Src }
  | { t: "code"; value: string; src: Src }
  | { t: "em" | "strong" | "del"; children: Inline[] }
  | { t: "link"; href: string; children: Inline[] }
  /** A link whose destination is not allowed (javascript:, data:, relative…): shown as its text. */
  | { t: "blocked_link"; destination: string; children: Inline[] }
  /** `url` is null when the address is not http(s). */
  | { t: "image"; url: string | null; alt: string; destination: string }
  | { t: "br" };

export type Block =
  | { t: "para"; children: Inline[] }
  | { t: "heading"; level: 1 | 2 | 3 | 4 | 5 | 6; children: Inline[] }
  | { t: "code"; lang: string | null; value: string; src: Src }
  | { t: "quote"; children: Block[] }
  | { t: "list"; ordered: boolean; start: number; tight: boolean; items: Block[][] }
  | { t: "hr" };

const MAX_DEPTH = 16;

/** Whether text is long enough to start collapsed. */
export function isLongText(text: string): boolean {
  return text.length > 1500 || text.split("\n", 26).length > 25;
}

// ─────────────────────────────── destinations ───────────────────────────────

const SAFE_LINK_PROTOCOLS = new Set(["http:", "https:", "mailto:"]);

/** The normalised URL when it is absolute and http(s)/mailto, else null. */
export function safeHref(destination: string): string | null {
  let url: URL;
  try {
    url = new URL(destination.trim());
  } catch {
    return null;
  }
  return SAFE_LINK_PROTOCOLS.has(url.protocol) ? url.href : null;
}

/** The normalised URL of an image only when it is absolute http(s). */
export function safeImageUrl(destination: string): string | null {
  const href = safeHref(destination);
  return href && !href.startsWith("mailto:") ? href : null;
}

// ─────────────────────────────── blocks ───────────────────────────────

type Line = { text: string; offset: number };

function splitLines(source: string): Line[] {
  const lines: Line[] = [];
  let offset = 0;
  for (const raw of source.split("\n")) {
    lines.push({ text: raw.endsWith("\r") ? raw.slice(0, -1) : raw, offset });
    offset += raw.length + 1;
  }
  return lines;
}

const isBlank = (l: Line) => l.text.trim() === "";

/** Columns of leading whitespace (a tab counts to the next multiple of 4). */
function indentOf(text: string): number {
  let cols = 0;
  for (const ch of text) {
    if (ch === " ") cols++;
    else if (ch === "\t") cols += 4 - (cols % 4);
    else break;
  }
  return cols;
}

/** Drops up to `cols` columns of leading whitespace. */
function dedent(l: Line, cols: number): Line {
  let i = 0;
  let c = 0;
  while (i < l.text.length && c < cols) {
    const ch = l.text[i];
    if (ch === " ") c++;
    else if (ch === "\t") c += 4 - (c % 4);
    else break;
    i++;
  }
  return { text: l.text.slice(i), offset: l.offset + i };
}

const FENCE = /^( {0,3})(`{3,}|~{3,})([^`]*)$/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+|$)/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}> ?/;
const LIST_ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])([ \t]+|$)/;

function startsBlock(text: string): boolean {
  return FENCE.test(text) || HEADING.test(text) || RULE.test(text) || QUOTE.test(text) || LIST_ITEM.test(text);
}

/** The whole text and per-character source offsets of lines joined by newlines. */
function joinLines(lines: Line[]): { s: string; src: Src } {
  const s = lines.map((l) => l.text).join("\n");
  const src = new Int32Array(s.length);
  let k = 0;
  lines.forEach((l, n) => {
    for (let c = 0; c < l.text.length; c++) src[k++] = l.offset + c;
    if (n < lines.length - 1) src[k++] = l.offset + l.text.length;
  });
  return { s, src };
}

export function parseMarkdown(source: string): Block[] {
  return parseBlocks(splitLines(source), 0);
}

function parseBlocks(lines: Line[], depth: number): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (isBlank(line)) {
      i++;
      continue;
    }
    const fence = FENCE.exec(line.text);
    if (fence) {
      const [, indent, marker] = fence as unknown as [string, string, string];
      const close = new RegExp(`^ {0,3}${marker[0] === "`" ? "`" : "~"}{${marker.length},}[ \\t]*$`);
      const body: Line[] = [];
      i++;
      while (i < lines.length && !close.test(lines[i]!.text)) body.push(dedent(lines[i++]!, indent.length));
      i++; // the closing fence (or past the end)
      const { s, src } = joinLines(body);
      blocks.push({ t: "code", lang: fence[3]!.trim().split(/\s+/)[0] || null, value: s, src });
      continue;
    }
    const heading = HEADING.exec(line.text);
    if (heading) {
      let content = { text: line.text.slice(heading[0].length), offset: line.offset + heading[0].length };
      // A closing run of #s is not part of the heading.
      const closing = /(?:^|[ \t]+)#+[ \t]*$/.exec(content.text);
      content = { text: (closing ? content.text.slice(0, closing.index) : content.text).trimEnd(), offset: content.offset };
      const { s, src } = joinLines([content]);
      blocks.push({ t: "heading", level: heading[1]!.length as 1 | 2 | 3 | 4 | 5 | 6, children: parseInline(s, src, depth) });
      i++;
      continue;
    }
    if (RULE.test(line.text)) {
      blocks.push({ t: "hr" });
      i++;
      continue;
    }
    if (QUOTE.test(line.text)) {
      const inner: Line[] = [];
      while (i < lines.length && QUOTE.test(lines[i]!.text)) {
        const l = lines[i++]!;
        const m = QUOTE.exec(l.text)!;
        inner.push({ text: l.text.slice(m[0].length), offset: l.offset + m[0].length });
      }
      blocks.push(depth < MAX_DEPTH ? { t: "quote", children: parseBlocks(inner, depth + 1) } : paragraph(inner, depth));
      continue;
    }
    if (LIST_ITEM.test(line.text)) {
      const { block, next } = parseList(lines, i, depth);
      blocks.push(block);
      i = next;
      continue;
    }
    const para: Line[] = [line];
    i++;
    while (i < lines.length && !isBlank(lines[i]!) && !startsBlock(lines[i]!.text)) para.push(lines[i++]!);
    blocks.push(paragraph(para, depth));
  }
  return blocks;
}

function paragraph(lines: Line[], depth: number): Block {
  const trimmed = lines.map((l) => dedent(l, Infinity));
  const { s, src } = joinLines(trimmed);
  return { t: "para", children: parseInline(s.trimEnd(), src, depth) };
}

function markerKind(marker: string): string {
  return /\d/.test(marker) ? `ol${marker.at(-1)}` : `ul${marker}`;
}

function parseList(lines: Line[], from: number, depth: number): { block: Block; next: number } {
  const first = LIST_ITEM.exec(lines[from]!.text)!;
  const kind = markerKind(first[2]!);
  const ordered = kind.startsWith("ol");
  const start = ordered ? Math.min(Number.parseInt(first[2]!, 10), 1_000_000_000) : 1;
  const items: Block[][] = [];
  let tight = true;
  let i = from;
  while (i < lines.length) {
    const m = LIST_ITEM.exec(lines[i]!.text);
    if (!m || markerKind(m[2]!) !== kind) break;
    const line = lines[i]!;
    const gap = indentOf(m[3]!);
    // Content starts after the marker and one to four spaces; more is indented code in CommonMark.
    const contentCols = m[1]!.length + m[2]!.length + (gap >= 1 && gap <= 4 ? gap : 1);
    const head = m[0].length;
    const itemLines: Line[] = [{ text: line.text.slice(head), offset: line.offset + head }];
    i++;
    while (i < lines.length) {
      const l = lines[i]!;
      if (isBlank(l)) {
        let j = i;
        while (j < lines.length && isBlank(lines[j]!)) j++;
        if (j < lines.length && indentOf(lines[j]!.text) >= contentCols) {
          for (; i < j; i++) itemLines.push({ text: "", offset: lines[i]!.offset });
          tight = false;
          continue;
        }
        break;
      }
      if (indentOf(l.text) >= contentCols) itemLines.push(dedent(l, contentCols));
      else if (startsBlock(l.text) || isBlank(itemLines.at(-1)!)) break;
      else itemLines.push(dedent(l, Infinity)); // a lazy continuation of the item's paragraph
      i++;
    }
    items.push(depth < MAX_DEPTH ? parseBlocks(itemLines, depth + 1) : [paragraph(itemLines, depth)]);
    // A blank line between two items of the same list makes it loose.
    let j = i;
    while (j < lines.length && isBlank(lines[j]!)) j++;
    const again = j < lines.length ? LIST_ITEM.exec(lines[j]!.text) : null;
    if (j > i && again && markerKind(again[2]!) === kind) {
      tight = false;
      i = j;
    }
  }
  return { block: { t: "list", ordered, start, tight, items }, next: i };
}

// ─────────────────────────────── inlines ───────────────────────────────

const PUNCTUATION = /^[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]$/;
// Sticky: tried at one position of the whole string (no copies); each stops at the next "<".
const AUTOLINK = /<([a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^\s<>]*)>/y;
const EMAIL_AUTOLINK = /<([a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*)>/y;
const isSpace = (ch: string | undefined) => ch === undefined || /\s/.test(ch);
const isWordChar = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);

/** For each "[" the index of its matching "]" (escapes respected), in one pass. */
function matchBrackets(s: string): Map<number, number> {
  const match = new Map<number, number>();
  const open: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === "\\") i++;
    else if (ch === "[") open.push(i);
    else if (ch === "]" && open.length) match.set(open.pop()!, i);
  }
  return match;
}

/** Backtick runs by length, so that a code span's closer is found without rescanning. */
function backtickRuns(s: string): Map<number, number[]> {
  const runs = new Map<number, number[]>();
  for (let i = 0; i < s.length; ) {
    if (s[i] !== "`") {
      i += s[i] === "\\" ? 2 : 1;
      continue;
    }
    let j = i;
    while (s[j] === "`") j++;
    const list = runs.get(j - i) ?? [];
    list.push(i);
    runs.set(j - i, list);
    i = j;
  }
  return runs;
}

/**
 * `(destination "title")` starting at s[at] === "(": the destination and the
 * index after ")", or null; `scanned` is how far it looked either way.
 */
function linkTail(s: string, at: number): { tail: { destination: string; end: number } | null; scanned: number } {
  let i = at + 1;
  const fail = () => ({ tail: null, scanned: i - at });
  while (i < s.length && /[ \t\n]/.test(s[i]!)) i++;
  let destination: string;
  if (s[i] === "<") {
    const close = s.indexOf(">", i);
    if (close < 0 || close - i > 4096 || s.slice(i, close).includes("\n")) {
      i = close < 0 ? s.length : close;
      return fail();
    }
    destination = s.slice(i + 1, close);
    i = close + 1;
  } else {
    let depth = 0;
    const startDest = i;
    for (; i < s.length && i - startDest <= 4096; i++) {
      const ch = s[i]!;
      if (ch === "\\" && i + 1 < s.length) {
        i++;
        continue;
      }
      if (/\s/.test(ch)) break;
      if (ch === "(") depth++;
      if (ch === ")") {
        if (depth === 0) break;
        depth--;
      }
    }
    destination = s.slice(startDest, i).replace(/\\([!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~])/g, "$1");
  }
  while (i < s.length && /[ \t\n]/.test(s[i]!)) i++;
  const quote = s[i];
  if (quote === '"' || quote === "'" || quote === "(") {
    const close = s.indexOf(quote === "(" ? ")" : quote, i + 1);
    if (close < 0 || close - i > 1024) {
      i = close < 0 ? s.length : close;
      return fail();
    }
    i = close + 1;
    while (i < s.length && /[ \t\n]/.test(s[i]!)) i++;
  }
  return s[i] === ")" ? { tail: { destination, end: i + 1 }, scanned: i + 1 - at } : fail();
}

/** Plain text of inlines (an image's alt text). */
function plain(nodes: Inline[]): string {
  return nodes
    .map((n) => {
      switch (n.t) {
        case "text":
        case "code":
          return n.value;
        case "image":
          return n.alt;
        case "br":
          return "\n";
        default:
          return plain(n.children);
      }
    })
    .join("");
}

export function parseInline(s: string, src: Src, depth = 0): Inline[] {
  const out: Inline[] = [];
  const brackets = matchBrackets(s);
  const ticks = backtickRuns(s);
  const tickCursor = new Map<number, number>();
  // Delimiters with no usable closer after the position stored: later openers
  // of the same kind cannot have one either.
  const noCloserAfter = new Map<string, number>();
  // Link destinations are scanned from each "](": a cap on the total keeps a
  // hostile run of unclosed links linear (the rest is then shown as text).
  let linkBudget = 8 * s.length + 10_000;
  let textStart = 0;

  const pushText = (from: number, to: number) => {
    if (to <= from) return;
    const last = out.at(-1);
    // Join with a preceding text node when the offsets are contiguous in this string.
    if (last?.t === "text" && last.src.buffer === src.buffer && last.src.byteOffset + last.src.byteLength === src.byteOffset + from * 4) {
      out[out.length - 1] = { t: "text", value: last.value + s.slice(from, to), src: new Int32Array(src.buffer, last.src.byteOffset, last.value.length + (to - from)) };
      return;
    }
    out.push({ t: "text", value: s.slice(from, to), src: src.subarray(from, to) });
  };
  const flush = (to: number) => {
    pushText(textStart, to);
  };
  const nested = (from: number, to: number) =>
    depth < MAX_DEPTH ? parseInline(s.slice(from, to), src.subarray(from, to), depth + 1) : [{ t: "text" as const, value: s.slice(from, to), src: src.subarray(from, to) }];

  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;

    if (ch === "\\") {
      const next = s[i + 1];
      if (next === "\n") {
        flush(i);
        out.push({ t: "br" });
        i += 2;
        textStart = i;
        continue;
      }
      if (next !== undefined && PUNCTUATION.test(next)) {
        flush(i);
        pushText(i + 1, i + 2);
        i += 2;
        textStart = i;
        continue;
      }
      i++;
      continue;
    }

    if (ch === "\n") {
      // Two or more trailing spaces make a hard break.
      let sp = i;
      while (sp > textStart && s[sp - 1] === " ") sp--;
      if (i - sp >= 2) {
        flush(sp);
        out.push({ t: "br" });
        i++;
        textStart = i;
        continue;
      }
      i++;
      continue;
    }

    if (ch === "`") {
      let j = i;
      while (s[j] === "`") j++;
      const n = j - i;
      const runs = ticks.get(n) ?? [];
      let k = tickCursor.get(n) ?? 0;
      while (k < runs.length && runs[k]! <= i) k++;
      tickCursor.set(n, k);
      const close = runs[k];
      if (close === undefined) {
        i = j; // no closer: the backticks are text
        continue;
      }
      flush(i);
      let from = j;
      let to = close;
      const inner = s.slice(from, to);
      if (inner.length >= 2 && inner.startsWith(" ") && inner.endsWith(" ") && inner.trim() !== "") {
        from++;
        to--;
      }
      out.push({ t: "code", value: s.slice(from, to).replace(/\n/g, " "), src: src.subarray(from, to) });
      i = close + n;
      textStart = i;
      continue;
    }

    if ((ch === "[" || (ch === "!" && s[i + 1] === "[")) && depth < MAX_DEPTH) {
      const open = ch === "!" ? i + 1 : i;
      const close = brackets.get(open);
      let tail: { destination: string; end: number } | null = null;
      if (close !== undefined && s[close + 1] === "(" && linkBudget > 0) {
        const found = linkTail(s, close + 1);
        linkBudget -= found.scanned;
        tail = found.tail;
      }
      if (close !== undefined && tail) {
        flush(i);
        const label = nested(open + 1, close);
        if (ch === "!") {
          out.push({ t: "image", url: safeImageUrl(tail.destination), alt: plain(label), destination: tail.destination });
        } else {
          const href = safeHref(tail.destination);
          out.push(href ? { t: "link", href, children: label } : { t: "blocked_link", destination: tail.destination, children: label });
        }
        i = tail.end;
        textStart = i;
        continue;
      }
      i = open + 1;
      continue;
    }

    if (ch === "<") {
      AUTOLINK.lastIndex = i;
      EMAIL_AUTOLINK.lastIndex = i;
      const m = AUTOLINK.exec(s) ?? EMAIL_AUTOLINK.exec(s);
      if (m) {
        flush(i);
        const isEmail = !m[1]!.includes(":");
        const destination = isEmail ? `mailto:${m[1]}` : m[1]!;
        const href = safeHref(destination);
        const label: Inline[] = [{ t: "text", value: m[1]!, src: src.subarray(i + 1, i + 1 + m[1]!.length) }];
        out.push(href ? { t: "link", href, children: label } : { t: "blocked_link", destination, children: label });
        i += m[0].length;
        textStart = i;
        continue;
      }
      i++;
      continue;
    }

    if (ch === "*" || ch === "_" || ch === "~") {
      let j = i;
      while (s[j] === ch) j++;
      const run = j - i;
      const before = s[i - 1];
      const after = s[j];
      // An opener must be followed by non-space; "_" also must not sit inside a word (snake_case).
      const canOpen = !isSpace(after) && (ch !== "_" || !isWordChar(before));
      const tries: { size: number; kind: "strong" | "em" | "del" }[] =
        ch === "~" ? (run === 2 ? [{ size: 2, kind: "del" }] : []) : run >= 2 ? [{ size: 2, kind: "strong" }, { size: 1, kind: "em" }] : [{ size: 1, kind: "em" }];
      let matched = false;
      if (canOpen) {
        for (const { size, kind } of tries) {
          const delim = ch.repeat(size);
          if ((noCloserAfter.get(delim) ?? Infinity) <= i) continue;
          const close = findCloser(s, i + size, delim, ch);
          if (close < 0) {
            noCloserAfter.set(delim, Math.min(noCloserAfter.get(delim) ?? Infinity, i));
            continue;
          }
          flush(i);
          out.push({ t: kind, children: nested(i + size, close) });
          i = close + size;
          textStart = i;
          matched = true;
          break;
        }
      }
      if (!matched) i = j;
      continue;
    }

    i++;
  }
  flush(s.length);
  return out;
}

/**
 * The index of a closing delimiter after `from`: preceded by non-space and not
 * escaped, and for "_" not followed by a word character. A run of exactly two
 * closes only strong emphasis, so "*a **b** c*" nests; a longer run closes
 * with its last characters ("***x***"). -1 when there is none.
 */
function findCloser(s: string, from: number, delim: string, ch: string): number {
  let at = s.indexOf(delim, from + 1);
  while (at >= 0) {
    let end = at;
    while (s[end] === ch) end++;
    const runLen = end - at;
    const candidate = end - delim.length;
    const ok =
      candidate > from &&
      !isSpace(s[candidate - 1]) &&
      s[candidate - 1] !== "\\" &&
      (ch !== "_" || !isWordChar(s[end])) &&
      (delim.length !== 1 || runLen !== 2);
    if (ok) return candidate;
    at = s.indexOf(delim, end);
  }
  return -1;
}
