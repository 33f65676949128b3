-- CreateIndex
CREATE INDEX "TriageItem_categories_idx" ON "TriageItem" USING GIN ("categories");

-- Claim-next takes the first claimable item in this order (lib/triage/claim-next.ts
-- orders by exactly these expressions, one status at a time), so a claim is one
-- short index scan under FOR UPDATE SKIP LOCKED instead of a sort of the whole
-- queue. Partial and expression indexes cannot be written in schema.prisma.
CREATE INDEX "TriageItem_claim_order_idx" ON "TriageItem" ("projectId", status, priority DESC,
  (LEAST("firstTriageDueAt", "resolutionDueAt")) ASC NULLS LAST, "createdAt")
WHERE status IN ('NEW', 'ESCALATED') AND "pausedAt" IS NULL;

-- Claimed items whose lease lapsed are claimable again.
CREATE INDEX "TriageItem_claimed_lease_idx" ON "TriageItem" ("projectId", "leaseExpiresAt")
WHERE status = 'CLAIMED';
