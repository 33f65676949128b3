// Which of an item's labels is its training label. Mirrors the review stages
// (lib/review/label-stage.ts): an item waiting for its blind second review,
// or whose two reviews disagree and no lead has decided yet, has no settled
// label and is not exported. Pure.

export type ExportLabel = {
  kind: "PRIMARY" | "SECOND" | "ADJUDICATION";
  verdict: string;
  hazardCategories: string[];
  severity: string | null;
  notes: string | null;
  correctedResponse: string | null;
  createdAt: Date;
};

/** single: one review; agreed: the blind second review gave the same verdict; adjudicated: a lead decided. */
export type Agreement = "single" | "agreed" | "adjudicated";

export type SettledLabel = { label: ExportLabel; agreement: Agreement };

export type UnsettledReason = "awaiting_second_review" | "awaiting_adjudication" | "no_label";

function latest(labels: ExportLabel[], kind: ExportLabel["kind"]): ExportLabel | null {
  let found: ExportLabel | null = null;
  for (const l of labels) if (l.kind === kind && (!found || l.createdAt >= found.createdAt)) found = l;
  return found;
}

export function settledLabel(labels: ExportLabel[], needsSecondReview: boolean): SettledLabel | UnsettledReason {
  const primary = latest(labels, "PRIMARY");
  const second = latest(labels, "SECOND");
  const adjudication = latest(labels, "ADJUDICATION");
  if (needsSecondReview && primary) return "awaiting_second_review";
  if (second && primary && second.createdAt > primary.createdAt) {
    if (adjudication && adjudication.createdAt >= second.createdAt)
      return { label: adjudication, agreement: "adjudicated" };
    if (primary.verdict !== second.verdict) return "awaiting_adjudication";
    // Agreed: the first review's label, completed by the second where it is silent.
    return {
      label: {
        ...primary,
        correctedResponse: primary.correctedResponse ?? second.correctedResponse,
        severity: primary.severity ?? second.severity,
      },
      agreement: "agreed",
    };
  }
  // Reopened after an adjudication and labelled again: the newest decision stands.
  if (adjudication && (!primary || adjudication.createdAt >= primary.createdAt))
    return { label: adjudication, agreement: "adjudicated" };
  if (primary) return { label: primary, agreement: "single" };
  // Only a second or an adjudication without a primary (data written by hand): take the newest.
  const any = [...labels].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  return any ? { label: any, agreement: any.kind === "ADJUDICATION" ? "adjudicated" : "single" } : "no_label";
}
