// Figures the reliability suite's tests leave for the summary table that
// `npm test` / `npm run test:reliability` print (scripts/lib/reliability-summary.mjs):
// one JSON line per fact, appended to $RELIABILITY_FACTS when it is set.
import { appendFileSync } from "node:fs";

export function recordFact(name: string, value: unknown): void {
  const file = process.env.RELIABILITY_FACTS;
  if (file) appendFileSync(file, `${JSON.stringify({ name, value })}\n`);
}
