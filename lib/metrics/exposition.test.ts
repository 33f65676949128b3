import { describe, expect, it } from "vitest";
import { escapeHelp, escapeLabelValue, formatValue, renderExposition } from "@/lib/metrics/exposition";

describe("Prometheus text exposition", () => {
  it("escapes backslashes, quotes and line feeds in label values", () => {
    expect(escapeLabelValue('a "quoted" \\path\\\nnext')).toBe('a \\"quoted\\" \\\\path\\\\\\nnext');
    expect(escapeLabelValue("plain-slug")).toBe("plain-slug");
  });

  it("escapes backslashes and line feeds in help text but leaves quotes", () => {
    expect(escapeHelp('say "hi"\\now\nthen')).toBe('say "hi"\\\\now\\nthen');
  });

  it("writes special float values the way Prometheus parses them", () => {
    expect([NaN, Infinity, -Infinity, 0, 12, 0.25].map(formatValue)).toEqual(["NaN", "+Inf", "-Inf", "0", "12", "0.25"]);
  });

  it("renders HELP and TYPE before the samples of each family", () => {
    const text = renderExposition([
      { name: "x_total", help: "Things.", type: "counter", samples: [{ labels: { project: 'p"1', kind: "a" }, value: 3 }] },
      { name: "y", help: "Level.", type: "gauge", samples: [{ labels: {}, value: 0.5 }] },
    ]);
    expect(text).toBe('# HELP x_total Things.\n# TYPE x_total counter\nx_total{project="p\\"1",kind="a"} 3\n# HELP y Level.\n# TYPE y gauge\ny 0.5\n');
  });
});
