// Wilson score interval for a binomial proportion: honest at small n and near
// 0 or 1, where the normal approximation claims certainty it does not have.
export function wilson(successes: number, trials: number, z = 1.959964): { rate: number; low: number; high: number } | null {
  if (trials <= 0) return null;
  const p = successes / trials;
  const z2 = z * z;
  const denom = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denom;
  return { rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
