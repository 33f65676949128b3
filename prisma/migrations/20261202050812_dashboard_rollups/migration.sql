-- CreateTable
CREATE TABLE "MetricRollup" (
    "projectId" UUID NOT NULL,
    "grain" CHAR(1) NOT NULL,
    "dim" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "bucket" TIMESTAMP(3) NOT NULL,
    "responses" INTEGER NOT NULL,
    "errors" INTEGER NOT NULL,
    "flagged" INTEGER NOT NULL,
    "blocked" INTEGER NOT NULL,
    "harmful" INTEGER NOT NULL,
    "falseRefusals" INTEGER NOT NULL,
    "reviewed" INTEGER NOT NULL,
    "reports" INTEGER NOT NULL,
    "reportedResponses" INTEGER NOT NULL,
    "latencyCount" INTEGER NOT NULL,
    "latencySumMs" BIGINT NOT NULL,
    "latencyHist" INTEGER[],
    "costCount" INTEGER NOT NULL,
    "costSumMicros" BIGINT NOT NULL,
    "costHist" INTEGER[],
    "tokensIn" BIGINT NOT NULL,
    "tokensOut" BIGINT NOT NULL,

    CONSTRAINT "MetricRollup_pkey" PRIMARY KEY ("projectId","grain","dim","bucket","key")
);

-- CreateTable
CREATE TABLE "MetricDailyUsers" (
    "projectId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "dim" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "users" INTEGER NOT NULL,

    CONSTRAINT "MetricDailyUsers_pkey" PRIMARY KEY ("projectId","dim","day","key")
);

-- CreateTable
CREATE TABLE "ReviewRollup" (
    "projectId" UUID NOT NULL,
    "grain" CHAR(1) NOT NULL,
    "bucket" TIMESTAMP(3) NOT NULL,
    "severity" "Severity" NOT NULL,
    "created" INTEGER NOT NULL,
    "firstTriaged" INTEGER NOT NULL,
    "resolved" INTEGER NOT NULL,
    "firstTriageBreached" INTEGER NOT NULL,
    "resolutionBreached" INTEGER NOT NULL,
    "firstTriageHist" INTEGER[],
    "resolutionHist" INTEGER[],
    "firstTriageSumS" BIGINT NOT NULL,
    "resolutionSumS" BIGINT NOT NULL,

    CONSTRAINT "ReviewRollup_pkey" PRIMARY KEY ("projectId","grain","bucket","severity")
);

-- CreateTable
CREATE TABLE "ReviewerRollup" (
    "projectId" UUID NOT NULL,
    "grain" CHAR(1) NOT NULL,
    "bucket" TIMESTAMP(3) NOT NULL,
    "reviewerId" UUID NOT NULL,
    "labels" INTEGER NOT NULL,
    "harmful" INTEGER NOT NULL,

    CONSTRAINT "ReviewerRollup_pkey" PRIMARY KEY ("projectId","grain","bucket","reviewerId")
);

-- CreateTable
CREATE TABLE "BusinessEvent" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "eventId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "userRef" TEXT,
    "flagState" JSONB NOT NULL,
    "requestId" TEXT,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BusinessEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BusinessRollup" (
    "projectId" UUID NOT NULL,
    "grain" CHAR(1) NOT NULL,
    "bucket" TIMESTAMP(3) NOT NULL,
    "name" TEXT NOT NULL,
    "flagKey" TEXT NOT NULL,
    "variant" TEXT NOT NULL,
    "n" INTEGER NOT NULL,
    "sum" DOUBLE PRECISION NOT NULL,
    "sumSq" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "BusinessRollup_pkey" PRIMARY KEY ("projectId","grain","name","flagKey","bucket","variant")
);

-- CreateTable
CREATE TABLE "RollupDirty" (
    "projectId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "bucket" TIMESTAMP(3) NOT NULL,
    "markedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RollupDirty_pkey" PRIMARY KEY ("kind","projectId","bucket")
);

-- CreateTable
CREATE TABLE "RollupCursor" (
    "name" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RollupCursor_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "BusinessEvent_projectId_occurredAt_idx" ON "BusinessEvent"("projectId", "occurredAt");

-- CreateIndex
CREATE UNIQUE INDEX "BusinessEvent_projectId_eventId_key" ON "BusinessEvent"("projectId", "eventId");

-- CreateIndex
CREATE INDEX "Label_createdAt_idx" ON "Label"("createdAt");

-- CreateIndex
CREATE INDEX "TriageItem_updatedAt_idx" ON "TriageItem"("updatedAt");

-- AddForeignKey
ALTER TABLE "MetricRollup" ADD CONSTRAINT "MetricRollup_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MetricDailyUsers" ADD CONSTRAINT "MetricDailyUsers_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewRollup" ADD CONSTRAINT "ReviewRollup_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewerRollup" ADD CONSTRAINT "ReviewerRollup_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BusinessEvent" ADD CONSTRAINT "BusinessEvent_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BusinessRollup" ADD CONSTRAINT "BusinessRollup_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;
