// Cohen's kappa: agreement between two raters beyond what chance would give,
// (pₒ − pₑ) / (1 − pₑ). pₑ comes from each rater's own label frequencies, so a
// reviewer who labels everything "benign" in a mostly benign queue does not
// look reliable just for agreeing often. Pure; safe anywhere.
export type RatedPair = readonly [string, string];

export type Agreement = { pairs: number; agreements: number; kappa: number | null };

export function cohensKappa(pairs: readonly RatedPair[]): Agreement {
  const n = pairs.length;
  if (n === 0) return { pairs: 0, agreements: 0, kappa: null };
  const a = new Map<string, number>();
  const b = new Map<string, number>();
  let agreements = 0;
  for (const [x, y] of pairs) {
    if (x === y) agreements++;
    a.set(x, (a.get(x) ?? 0) + 1);
    b.set(y, (b.get(y) ?? 0) + 1);
  }
  const po = agreements / n;
  let pe = 0;
  for (const [label, count] of a) pe += (count / n) * ((b.get(label) ?? 0) / n);
  // Both raters used one and the same label throughout: chance explains all of it.
  if (1 - pe < 1e-12) return { pairs: n, agreements, kappa: null };
  return { pairs: n, agreements, kappa: (po - pe) / (1 - pe) };
}
