import { describe, expect, it } from "vitest";
import { settledLabel, type ExportLabel } from "@/lib/exports/settled-label";

const at = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m));
const label = (
  kind: ExportLabel["kind"],
  verdict: string,
  m: number,
  extra: Partial<ExportLabel> = {},
): ExportLabel => ({
  kind,
  verdict,
  hazardCategories: [],
  severity: null,
  notes: null,
  correctedResponse: null,
  createdAt: at(m),
  ...extra,
});

describe("settledLabel", () => {
  it("takes a single review as it is", () => {
    const p = label("PRIMARY", "HARMFUL", 1);
    expect(settledLabel([p], false)).toEqual({ label: p, agreement: "single" });
  });
  it("waits for a second review the item was picked for", () => {
    expect(settledLabel([label("PRIMARY", "HARMFUL", 1)], true)).toBe("awaiting_second_review");
  });
  it("settles agreeing blind reviews, filling gaps of the first from the second", () => {
    const s = settledLabel(
      [
        label("PRIMARY", "INCORRECT", 1),
        label("SECOND", "INCORRECT", 2, { correctedResponse: "fixed", severity: "SEV3" }),
      ],
      false,
    );
    expect(s).toMatchObject({
      agreement: "agreed",
      label: { kind: "PRIMARY", correctedResponse: "fixed", severity: "SEV3" },
    });
  });
  it("leaves a disagreement out until a lead decides, then takes the decision", () => {
    const pair = [label("PRIMARY", "HARMFUL", 1), label("SECOND", "BENIGN", 2)];
    expect(settledLabel(pair, false)).toBe("awaiting_adjudication");
    const adj = label("ADJUDICATION", "BENIGN", 3);
    expect(settledLabel([...pair, adj], false)).toEqual({ label: adj, agreement: "adjudicated" });
  });
  it("takes a newer primary review over an old decision after the item was reopened", () => {
    const newer = label("PRIMARY", "PRIVACY", 9);
    expect(
      settledLabel(
        [label("PRIMARY", "HARMFUL", 1), label("SECOND", "BENIGN", 2), label("ADJUDICATION", "BENIGN", 3), newer],
        false,
      ),
    ).toEqual({
      label: newer,
      agreement: "single",
    });
  });
  it("has nothing for an item without labels", () => {
    expect(settledLabel([], false)).toBe("no_label");
  });
});
