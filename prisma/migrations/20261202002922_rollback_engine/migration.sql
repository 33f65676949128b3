-- AlterTable
ALTER TABLE "Flag" ADD COLUMN     "widenPausedAt" TIMESTAMP(3),
ADD COLUMN     "widenPausedReason" TEXT;

-- AlterTable
ALTER TABLE "Incident" ADD COLUMN     "flagId" UUID;

-- AlterTable
ALTER TABLE "IncidentEvent" ADD COLUMN     "actorLabel" TEXT,
ADD COLUMN     "flagVersionId" UUID,
ADD COLUMN     "seq" SERIAL NOT NULL;

-- AlterTable
ALTER TABLE "RuleEvaluation" ADD COLUMN     "flagId" UUID;

-- AlterTable
ALTER TABLE "WebhookDelivery" ADD COLUMN     "lastAttemptAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Incident_flagId_status_idx" ON "Incident"("flagId", "status");

-- CreateIndex
CREATE INDEX "RollbackRule_projectId_enabled_idx" ON "RollbackRule"("projectId", "enabled");

-- CreateIndex
CREATE INDEX "RuleEvaluation_ruleId_flagId_evaluatedAt_idx" ON "RuleEvaluation"("ruleId", "flagId", "evaluatedAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_status_createdAt_idx" ON "WebhookDelivery"("status", "createdAt");

-- AddForeignKey
ALTER TABLE "RuleEvaluation" ADD CONSTRAINT "RuleEvaluation_flagId_fkey" FOREIGN KEY ("flagId") REFERENCES "Flag"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Incident" ADD CONSTRAINT "Incident_flagId_fkey" FOREIGN KEY ("flagId") REFERENCES "Flag"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IncidentEvent" ADD CONSTRAINT "IncidentEvent_flagVersionId_fkey" FOREIGN KEY ("flagVersionId") REFERENCES "FlagVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;
