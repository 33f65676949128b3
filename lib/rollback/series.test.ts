import { describe, expect, it } from "vitest";
import { isExposed, parseSeriesId, seriesId, seriesOfSnapshot, variantTag } from "@/lib/rollback/series";

const boolean = { fallbackVariant: "off", variants: { on: true, off: false } };
const multi = { fallbackVariant: "control", variants: { control: "gpt-4.1-mini", bold: "gpt-5" } };

describe("series", () => {
  it("name the variant served: as given, on/off for a bare boolean, else the value", () => {
    expect(variantTag({ value: "x", variant: "bold" })).toBe("bold");
    expect(variantTag({ value: true })).toBe("on");
    expect(variantTag({ value: false })).toBe("off");
    expect(variantTag({ value: "gpt-5" })).toBe('="gpt-5"');
  });
  it("round-trip any key or variant", () => {
    const s = { environmentId: "e", flagKey: 'we|ird "key"', version: 4, variant: "a|b" };
    expect(parseSeriesId(seriesId(s))).toEqual(s);
    expect(parseSeriesId("nonsense")).toBeNull();
  });
  it("come one per flag of a snapshot, version 0 when the client did not say", () => {
    expect(seriesOfSnapshot("e", { a: { value: true, version: 3 }, b: { value: false }, c: null }).map(parseSeriesId)).toEqual([
      { environmentId: "e", flagKey: "a", version: 3, variant: "on" },
      { environmentId: "e", flagKey: "b", version: 0, variant: "off" },
    ]);
    expect(seriesOfSnapshot("e", null)).toEqual([]);
  });
  it("count as exposed when serving anything but the fallback", () => {
    expect(isExposed("on", boolean)).toBe(true);
    expect(isExposed("off", boolean)).toBe(false);
    expect(isExposed("bold", multi)).toBe(true);
    expect(isExposed('="gpt-4.1-mini"', multi)).toBe(false);
    expect(isExposed('="gpt-5"', multi)).toBe(true);
  });
});
