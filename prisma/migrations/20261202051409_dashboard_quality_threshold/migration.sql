-- AlterTable
ALTER TABLE "ClassifierQuality" ADD COLUMN     "suggestedThreshold" DOUBLE PRECISION,
ADD COLUMN     "thresholdPrecision" DOUBLE PRECISION,
ADD COLUMN     "thresholdRecall" DOUBLE PRECISION,
ADD COLUMN     "thresholdSamples" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "TriageItem_projectId_createdAt_idx" ON "TriageItem"("projectId", "createdAt");
