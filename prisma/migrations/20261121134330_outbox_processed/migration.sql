-- DropIndex
DROP INDEX "OutboxEvent_enqueuedAt_id_idx";

-- AlterTable
ALTER TABLE "OutboxEvent" ADD COLUMN     "processedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "OutboxEvent_processedAt_enqueuedAt_id_idx" ON "OutboxEvent"("processedAt", "enqueuedAt", "id");
