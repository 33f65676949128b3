// The score cut-off the labels suggest: among the scores seen, the one whose
// "flag at or above" rule best matches reviewers' harmful/benign labels (F1,
// ties to the higher threshold, which flags less). Safe for both sides.

export type Scored = { score: number; harmful: boolean };
export type Suggestion = { threshold: number; precision: number; recall: number; f1: number; samples: number };

export function suggestThreshold(items: Scored[]): Suggestion | null {
  const positives = items.filter((i) => i.harmful).length;
  if (positives === 0 || positives === items.length) return null;
  // Walk thresholds from the highest score down; each step flags one more item.
  const sorted = [...items].sort((a, b) => b.score - a.score);
  let best: Suggestion | null = null;
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i]!.harmful) tp++;
    else fp++;
    // Only where the next item scores lower: a threshold flags every item at its score.
    if (i + 1 < sorted.length && sorted[i + 1]!.score === sorted[i]!.score) continue;
    const precision = tp / (tp + fp);
    const recall = tp / positives;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    if (!best || f1 > best.f1 + 1e-12) best = { threshold: sorted[i]!.score, precision, recall, f1, samples: items.length };
  }
  return best;
}
