import { describe, expect, it } from "vitest";
import { parseInline, parseMarkdown, safeHref, type Block, type Inline } from "@/lib/review/markdown";

const inline = (s: string) => parseInline(s, Int32Array.from(s, (_c, i) => i));

/** A compact rendering of the tree, for readable expectations. */
function show(nodes: (Inline | Block)[]): string {
  return nodes
    .map((n): string => {
      switch (n.t) {
        case "text":
          return n.value;
        case "code":
          return "lang" in n ? `<pre${n.lang ? ` ${n.lang}` : ""}>${n.value}</pre>` : `<code>${n.value}</code>`;
        case "em":
        case "strong":
        case "del":
          return `<${n.t}>${show(n.children)}</${n.t}>`;
        case "link":
          return `<a ${n.href}>${show(n.children)}</a>`;
        case "blocked_link":
          return `<blocked ${n.destination}>${show(n.children)}</blocked>`;
        case "image":
          return `<img ${n.url ?? "none"} "${n.alt}">`;
        case "br":
          return "<br>";
        case "para":
          return `<p>${show(n.children)}</p>`;
        case "heading":
          return `<h${n.level}>${show(n.children)}</h${n.level}>`;
        case "quote":
          return `<blockquote>${show(n.children)}</blockquote>`;
        case "list":
          return `<${n.ordered ? `ol ${n.start}` : "ul"}${n.tight ? "" : " loose"}>${n.items.map((it) => `<li>${show(it)}</li>`).join("")}</${n.ordered ? "ol" : "ul"}>`;
        case "hr":
          return "<hr>";
      }
    })
    .join("");
}

describe("safe links", () => {
  it("keeps absolute http(s) and mailto destinations, normalised", () => {
    expect(safeHref("https://example.com/a b")).toBe("https://example.com/a%20b");
    expect(safeHref("HTTP://Example.com")).toBe("http://example.com/");
    expect(safeHref("mailto:help@example.com")).toBe("mailto:help@example.com");
  });

  it("refuses scripts, data, obfuscated schemes and relative addresses", () => {
    for (const d of ["javascript:alert(1)", " JavaScript:alert(1)", "java\nscript:alert(1)", "java\tscript:alert(1)", "data:text/html,<b>x</b>", "vbscript:x", "/relative", "//evil.example/x", "javascript&#58;alert(1)", ""]) {
      expect(safeHref(d), JSON.stringify(d)).toBeNull();
    }
  });
});

describe("inline markdown", () => {
  it("reads emphasis, strong, strikethrough and code", () => {
    expect(show(inline("a *b* **c** ~~d~~ `e*f*` _g_"))).toBe("a <em>b</em> <strong>c</strong> <del>d</del> <code>e*f*</code> <em>g</em>");
    expect(show(inline("*a **b** c*"))).toBe("<em>a <strong>b</strong> c</em>");
    expect(show(inline("***x***"))).toBe("<strong><em>x</em></strong>");
  });

  it("leaves snake_case, lone stars and unclosed delimiters as text", () => {
    expect(show(inline("snake_case_name and 2 * 3 * 4 and **open"))).toBe("snake_case_name and 2 * 3 * 4 and **open");
  });

  it("keeps raw HTML as text", () => {
    expect(show(inline('<script>alert(1)</script> <img src=x onerror=alert(1)>'))).toBe('<script>alert(1)</script> <img src=x onerror=alert(1)>');
  });

  it("links only to safe destinations and shows the text of the others", () => {
    expect(show(inline("[docs](https://example.com/docs \"Docs\") and [click](javascript:alert(1))"))).toBe(
      "<a https://example.com/docs>docs</a> and <blocked javascript:alert(1)>click</blocked>",
    );
    expect(show(inline("<https://example.com> <help@example.com> <javascript:alert(1)>"))).toBe(
      "<a https://example.com/>https://example.com</a> <a mailto:help@example.com>help@example.com</a> <blocked javascript:alert(1)>javascript:alert(1)</blocked>",
    );
  });

  it("turns images into descriptions with their address, never into image loads", () => {
    expect(show(inline("![chart](https://evil.example/x.png) ![x](data:image/png;base64,AAAA) ![y](javascript:alert(1))"))).toBe(
      '<img https://evil.example/x.png "chart"> <img none "x"> <img none "y">',
    );
  });

  it("honours backslash escapes and hard breaks", () => {
    expect(show(inline("\\*not em\\* a  \nb\\\nc"))).toBe("*not em* a<br>b<br>c");
  });

  it("maps every text character back to its source offset", () => {
    const s = "a **bc** \\*d";
    const nodes = inline(s);
    const offsets: [string, number][] = [];
    const walk = (ns: Inline[]) =>
      ns.forEach((n) => {
        if (n.t === "text") [...n.value].forEach((c, k) => offsets.push([c, n.src[k]!]));
        else if ("children" in n) walk(n.children);
      });
    walk(nodes);
    for (const [c, at] of offsets) expect(s[at]).toBe(c);
    expect(offsets.map(([c]) => c).join("")).toBe("a bc *d");
  });

  it("stays fast on hostile input", () => {
    const hostile = ["*".repeat(100_000), "[".repeat(50_000) + "]", "[a](x".repeat(20_000), "`".repeat(30_000) + "a", "_a".repeat(50_000), "<a:".repeat(30_000)];
    for (const s of hostile) {
      const started = performance.now();
      inline(s);
      parseMarkdown(s);
      expect(performance.now() - started, s.slice(0, 10)).toBeLessThan(1500);
    }
  });
});

describe("block markdown", () => {
  it("reads headings, paragraphs, rules and quotes", () => {
    expect(show(parseMarkdown("# Title #\n\nline one\nline two\n\n---\n> quoted *text*"))).toBe(
      "<h1>Title</h1><p>line one\nline two</p><hr><blockquote><p>quoted <em>text</em></p></blockquote>",
    );
  });

  it("reads fenced code without interpreting it", () => {
    expect(show(parseMarkdown("```html\n<script>alert(1)</script>\n  **x**\n```\nafter"))).toBe("<pre html><script>alert(1)</script>\n  **x**</pre><p>after</p>");
  });

  it("reads tight, loose, ordered and nested lists", () => {
    expect(show(parseMarkdown("- a\n- b\n  - c\n- d"))).toBe("<ul><li><p>a</p></li><li><p>b</p><ul><li><p>c</p></li></ul></li><li><p>d</p></li></ul>");
    expect(show(parseMarkdown("3. x\n\n4. y"))).toBe("<ol 3 loose><li><p>x</p></li><li><p>y</p></li></ol>");
    expect(show(parseMarkdown("* a\n+ b"))).toBe("<ul><li><p>a</p></li></ul><ul><li><p>b</p></li></ul>");
  });

  it("keeps source offsets through list and quote indentation", () => {
    const s = "- one\n  two\n> three";
    const seen: string[] = [];
    const walk = (ns: (Inline | Block)[]) =>
      ns.forEach((n) => {
        if (n.t === "text") [...n.value].forEach((c, k) => c !== "\n" && seen.push(`${c}${s[n.src[k]!] === c ? "" : "!"}`));
        else if (n.t === "list") n.items.forEach(walk);
        else if ("children" in n) walk(n.children);
      });
    walk(parseMarkdown(s));
    expect(seen.join("")).toBe("onetwothree");
  });
});
