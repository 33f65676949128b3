-- CreateTable
CREATE TABLE "ClassifierQuality" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "classifier" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "flaggedLabeled" INTEGER NOT NULL,
    "flaggedConfirmed" INTEGER NOT NULL,
    "precision" DOUBLE PRECISION,
    "precisionLow" DOUBLE PRECISION,
    "precisionHigh" DOUBLE PRECISION,
    "sampledLabeled" INTEGER NOT NULL,
    "sampledHarmful" INTEGER NOT NULL,
    "missRate" DOUBLE PRECISION,
    "missRateLow" DOUBLE PRECISION,
    "missRateHigh" DOUBLE PRECISION,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ClassifierQuality_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ClassifierQuality_projectId_classifier_category_key" ON "ClassifierQuality"("projectId", "classifier", "category");

-- AddForeignKey
ALTER TABLE "ClassifierQuality" ADD CONSTRAINT "ClassifierQuality_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;
