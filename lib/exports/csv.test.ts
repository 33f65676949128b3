import { describe, expect, it } from "vitest";
import { csvCell, csvLine } from "@/lib/exports/csv";

describe("csvCell", () => {
  it("leaves plain text alone", () => {
    expect(csvCell("hello world")).toBe("hello world");
    expect(csvCell("")).toBe("");
  });
  it("quotes commas, quotes and line breaks, doubling inner quotes (RFC 4180)", () => {
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("line1\nline2")).toBe('"line1\nline2"');
    expect(csvCell("a\r\nb")).toBe('"a\r\nb"');
    expect(csvCell(" padded ")).toBe('" padded "');
  });
  it("prefixes cells a spreadsheet would run as a formula", () => {
    for (const v of ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)", "\t=1", "\r=1"])
      expect(csvCell(v).replace(/^"/, "").startsWith("'")).toBe(true);
    expect(csvCell('=HYPERLINK("x","y")')).toBe(`"'=HYPERLINK(""x"",""y"")"`);
  });
  it("ends a record with CRLF", () => {
    expect(csvLine(["a", "b,c"])).toBe('a,"b,c"\r\n');
  });
});
