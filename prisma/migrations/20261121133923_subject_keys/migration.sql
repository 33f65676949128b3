/*
  Warnings:

  - You are about to drop the column `subjectId` on the `Interaction` table. All the data in the column will be lost.
  - You are about to drop the column `keyEnc` on the `Subject` table. All the data in the column will be lost.

*/
-- DropForeignKey
ALTER TABLE "Interaction" DROP CONSTRAINT "Interaction_subjectId_fkey";

-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "rateLimitPerSecond" INTEGER;

-- AlterTable
ALTER TABLE "Interaction" DROP COLUMN "subjectId",
ADD COLUMN     "apiKeyId" UUID,
ADD COLUMN     "subjectKeyId" UUID;

-- AlterTable
ALTER TABLE "Subject" DROP COLUMN "keyEnc";

-- CreateTable
CREATE TABLE "SubjectKey" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "subjectId" UUID NOT NULL,
    "period" TEXT NOT NULL,
    "keyEnc" BYTEA,
    "shreddedAt" TIMESTAMP(3),
    "shredReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SubjectKey_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SubjectKey_projectId_period_idx" ON "SubjectKey"("projectId", "period");

-- CreateIndex
CREATE UNIQUE INDEX "SubjectKey_subjectId_period_key" ON "SubjectKey"("subjectId", "period");

-- AddForeignKey
ALTER TABLE "Interaction" ADD CONSTRAINT "Interaction_subjectKeyId_fkey" FOREIGN KEY ("subjectKeyId") REFERENCES "SubjectKey"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubjectKey" ADD CONSTRAINT "SubjectKey_subjectId_fkey" FOREIGN KEY ("subjectId") REFERENCES "Subject"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
