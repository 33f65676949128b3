/*
  Warnings:

  - The primary key for the `BusinessRollup` table will be changed. If it partially fails, the table could be left without primary key constraint.

*/
-- AlterTable
ALTER TABLE "BusinessRollup" DROP CONSTRAINT "BusinessRollup_pkey",
ADD CONSTRAINT "BusinessRollup_pkey" PRIMARY KEY ("projectId", "grain", "bucket", "name", "flagKey", "variant");

-- CreateIndex
CREATE INDEX "BusinessRollup_projectId_grain_flagKey_bucket_idx" ON "BusinessRollup"("projectId", "grain", "flagKey", "bucket");
