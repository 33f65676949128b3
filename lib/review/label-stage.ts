// Which review an item is waiting for, from the labels it already has:
//   primary      — the first review (or a fresh one after reopening);
//   second       — the blind second review of an item picked for double review;
//   adjudication — the two reviews disagreed and a lead decides.
// Pure: the label service enforces it, the item page uses it to say what the
// form will record.
import { createHash } from "node:crypto";

export type LabelKind = "PRIMARY" | "SECOND" | "ADJUDICATION";
export type StageLabel = { kind: LabelKind; verdict: string; reviewerId: string; createdAt: Date };
export type ReviewStage = "primary" | "second" | "adjudication";

const latest = (labels: StageLabel[], kind: LabelKind) =>
  labels.filter((l) => l.kind === kind).reduce<StageLabel | null>((a, l) => (a && a.createdAt >= l.createdAt ? a : l), null);

export function reviewStage(labels: StageLabel[], needsSecondReview: boolean): ReviewStage {
  const primary = latest(labels, "PRIMARY");
  const second = latest(labels, "SECOND");
  if (needsSecondReview && primary) return "second";
  if (primary && second && second.createdAt > primary.createdAt && primary.verdict !== second.verdict) {
    const adjudication = latest(labels, "ADJUDICATION");
    if (!adjudication || adjudication.createdAt < second.createdAt) return "adjudication";
  }
  return "primary";
}

/** The primary and second verdicts of a disputed item, for the lead who adjudicates. */
export function disputedPair(labels: StageLabel[]): { primary: StageLabel; second: StageLabel } | null {
  const primary = latest(labels, "PRIMARY");
  const second = latest(labels, "SECOND");
  return primary && second && primary.verdict !== second.verdict ? { primary, second } : null;
}

/**
 * Whether an item gets a second, blind review: a stable draw from its id, so
 * the same item always gets the same answer at a given rate and a retry
 * cannot reroll it.
 */
export function pickedForDoubleReview(itemId: string, rateBps: number): boolean {
  if (rateBps <= 0) return false;
  if (rateBps >= 10_000) return true;
  const bucket = createHash("sha256").update(`double-review:${itemId}`).digest().readUInt32BE(0) % 10_000;
  return bucket < rateBps;
}
