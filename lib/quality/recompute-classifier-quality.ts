// Recomputes what reviewers' labels say about each classifier of a project:
// precision on the items it flagged, and its miss rate estimated from blind
// samples of traffic it passed. The final label of an item is its lead's
// adjudication when there is one, else the latest primary label. A flag
// counts as confirmed for a category when the item was labeled harmful (or a
// privacy harm) and the reviewer named that category or none.
import "server-only";
import { db } from "@/lib/db";
import { wilson } from "@/lib/quality/wilson";
import { suggestThreshold, type Scored } from "@/lib/quality/suggest-threshold";

type Counter = { flaggedLabeled: number; flaggedConfirmed: number; sampledHarmful: number };
const ANY = "*";

export async function recomputeClassifierQuality(projectId: string) {
  const labeled = await db().$queryRaw<
    { requestId: string; isSample: boolean; verdict: string; hazardCategories: string[] }[]
  >`
    SELECT DISTINCT ON (l."triageItemId") t."requestId", t."isSample", l.verdict::text AS verdict, l."hazardCategories"
    FROM "Label" l JOIN "TriageItem" t ON t.id = l."triageItemId"
    WHERE l."projectId" = ${projectId}::uuid AND l.kind IN ('PRIMARY', 'ADJUDICATION')
    ORDER BY l."triageItemId", (l.kind = 'ADJUDICATION') DESC, l."createdAt" DESC`;
  const verdicts = labeled.length
    ? await db().verdict.findMany({
        where: { projectId, requestId: { in: labeled.map((l) => l.requestId) } },
        select: { requestId: true, classifier: true, decision: true, categories: true, scores: true },
      })
    : [];
  const byRequest = new Map<string, typeof verdicts>();
  for (const v of verdicts) byRequest.set(v.requestId, [...(byRequest.get(v.requestId) ?? []), v]);

  const counters = new Map<string, Counter>();
  const sampledLabeled = new Map<string, number>();
  const bump = (classifier: string, category: string, f: (c: Counter) => void) => {
    const key = `${classifier}\u0000${category}`;
    let c = counters.get(key);
    if (!c) counters.set(key, (c = { flaggedLabeled: 0, flaggedConfirmed: 0, sampledHarmful: 0 }));
    f(c);
  };

  // classifier → category → (score, labeled harmful) for the threshold suggestion
  const scored = new Map<string, Scored[]>();
  const addScored = (classifier: string, category: string, s: Scored) => {
    const key = `${classifier}\u0000${category}`;
    const list = scored.get(key);
    if (list) list.push(s);
    else scored.set(key, [s]);
  };

  for (const item of labeled) {
    const harmful = item.verdict === "HARMFUL" || item.verdict === "PRIVACY";
    const perClassifier = new Map<string, { flagged: boolean; categories: Set<string>; scores: Map<string, number> }>();
    for (const v of byRequest.get(item.requestId) ?? []) {
      const e = perClassifier.get(v.classifier) ?? { flagged: false, categories: new Set<string>(), scores: new Map<string, number>() };
      if (v.decision !== "PASS") {
        e.flagged = true;
        for (const c of v.categories) e.categories.add(c);
      }
      for (const [category, score] of Object.entries((v.scores ?? {}) as Record<string, unknown>)) {
        if (typeof score === "number") e.scores.set(category, Math.max(score, e.scores.get(category) ?? 0));
      }
      perClassifier.set(v.classifier, e);
    }
    for (const [classifier, e] of perClassifier) {
      if (e.scores.size > 0) {
        addScored(classifier, ANY, { score: Math.max(...e.scores.values()), harmful });
        for (const [category, score] of e.scores) {
          addScored(classifier, category, { score, harmful: harmful && (item.hazardCategories.length === 0 || item.hazardCategories.includes(category)) });
        }
      }
      if (e.flagged) {
        for (const category of [ANY, ...e.categories]) {
          const confirmed = harmful && (category === ANY || item.hazardCategories.length === 0 || item.hazardCategories.includes(category));
          bump(classifier, category, (c) => {
            c.flaggedLabeled++;
            if (confirmed) c.flaggedConfirmed++;
          });
        }
      } else if (item.isSample) {
        sampledLabeled.set(classifier, (sampledLabeled.get(classifier) ?? 0) + 1);
        if (harmful) {
          for (const category of [ANY, ...item.hazardCategories]) bump(classifier, category, (c) => c.sampledHarmful++);
        } else {
          bump(classifier, ANY, () => undefined);
        }
      }
    }
  }

  const rows = [...counters].map(([key, c]) => {
    const [classifier, category] = key.split("\u0000") as [string, string];
    const sampled = sampledLabeled.get(classifier) ?? 0;
    const precision = wilson(c.flaggedConfirmed, c.flaggedLabeled);
    const miss = wilson(c.sampledHarmful, sampled);
    const samples = scored.get(key) ?? [];
    const suggestion = suggestThreshold(samples);
    return {
      projectId,
      classifier,
      category,
      flaggedLabeled: c.flaggedLabeled,
      flaggedConfirmed: c.flaggedConfirmed,
      precision: precision?.rate ?? null,
      precisionLow: precision?.low ?? null,
      precisionHigh: precision?.high ?? null,
      sampledLabeled: sampled,
      sampledHarmful: c.sampledHarmful,
      missRate: miss?.rate ?? null,
      missRateLow: miss?.low ?? null,
      missRateHigh: miss?.high ?? null,
      suggestedThreshold: suggestion?.threshold ?? null,
      thresholdPrecision: suggestion?.precision ?? null,
      thresholdRecall: suggestion?.recall ?? null,
      thresholdSamples: samples.length,
    };
  });
  await db().$transaction([
    db().classifierQuality.deleteMany({ where: { projectId } }),
    db().classifierQuality.createMany({ data: rows }),
  ]);
  return rows;
}

/** Every project with labels; run periodically by the worker. */
export async function recomputeAllClassifierQuality() {
  const projects = await db().label.findMany({ distinct: ["projectId"], select: { projectId: true } });
  for (const p of projects) await recomputeClassifierQuality(p.projectId);
  return { projects: projects.length };
}
