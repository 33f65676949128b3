import { describe, expect, it } from "vitest";
import { chartCsv } from "@/lib/metrics/dashboards/csv";
import { resolveRange } from "@/lib/metrics/dashboards/range";

describe("chartCsv", () => {
  it("writes a header of labels and quotes what needs quoting", () => {
    const csv = chartCsv({
      id: "x",
      title: "x",
      kind: "table",
      emptyText: "",
      columns: [
        { key: "k", label: "Key, name", format: "text" },
        { key: "v", label: "Value", format: "num" },
      ],
      rows: [
        { k: 'say "hi"', v: 1.5 },
        { k: "=HYPERLINK(\"http://evil\")", v: -2 },
        { k: null, v: null },
      ],
    });
    expect(csv).toBe('"Key, name",Value\r\n"say ""hi""",1.5\r\n"\'=HYPERLINK(""http://evil"")",-2\r\n,\r\n');
  });
});

describe("resolveRange", () => {
  const now = Date.UTC(2026, 11, 2, 12, 34, 56);
  it("reads minute rollups up to 6 hours and hour rollups beyond, on whole buckets", () => {
    expect(resolveRange({ range: "1h" }, now)).toMatchObject({ grain: "m", stepMs: 60_000, to: "2026-12-02T12:35:00.000Z", from: "2026-12-02T11:35:00.000Z" });
    expect(resolveRange({ range: "7d" }, now)).toMatchObject({ grain: "h", from: "2026-11-25T12:00:00.000Z", to: "2026-12-02T13:00:00.000Z", stepMs: 6 * 3_600_000 });
    expect(resolveRange({}, now).preset).toBe("7d");
    expect(resolveRange({ range: "nonsense" }, now).preset).toBe("7d");
  });
  it("refuses bad explicit ranges", () => {
    expect(() => resolveRange({ from: "2026-01-02T00:00:00Z" })).toThrow(/together/);
    expect(() => resolveRange({ from: "2026-01-02T00:00:00Z", to: "2026-01-01T00:00:00Z" })).toThrow(/after/);
    expect(() => resolveRange({ from: "yesterday", to: "2026-01-01T00:00:00Z" })).toThrow(/ISO/);
    expect(() => resolveRange({ from: "2020-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z" })).toThrow(/400/);
  });
});
