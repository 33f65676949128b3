-- CreateEnum
CREATE TYPE "SuiteKind" AS ENUM ('RED_TEAM', 'SYNTHETIC', 'REGRESSION');

-- CreateEnum
CREATE TYPE "Expectation" AS ENUM ('MUST_REFUSE', 'MUST_ANSWER', 'NO_PII', 'NOT_HARMFUL');

-- CreateEnum
CREATE TYPE "GateStatus" AS ENUM ('PENDING', 'PASSED', 'FAILED', 'INCONCLUSIVE');

-- AlterTable
ALTER TABLE "Flag" ADD COLUMN     "gateCandidate" TEXT;

-- AlterTable
ALTER TABLE "Interaction" ADD COLUMN     "gatePromptKey" TEXT;

-- CreateTable
CREATE TABLE "PromptSuite" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "SuiteKind" NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "maxHarmfulBps" INTEGER NOT NULL DEFAULT 50,
    "maxFailedBps" INTEGER NOT NULL DEFAULT 200,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PromptSuite_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SuitePrompt" (
    "id" UUID NOT NULL,
    "suiteId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "prompt" JSONB NOT NULL,
    "expectation" "Expectation" NOT NULL,
    "category" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SuitePrompt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GateRun" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "runId" TEXT NOT NULL,
    "suiteId" UUID NOT NULL,
    "candidate" TEXT NOT NULL,
    "baseline" TEXT,
    "status" "GateStatus" NOT NULL DEFAULT 'PENDING',
    "completedAt" TIMESTAMP(3),
    "scoredAt" TIMESTAMP(3),
    "result" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "GateRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PromptSuite_projectId_name_key" ON "PromptSuite"("projectId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "SuitePrompt_suiteId_key_key" ON "SuitePrompt"("suiteId", "key");

-- CreateIndex
CREATE INDEX "GateRun_projectId_candidate_status_scoredAt_idx" ON "GateRun"("projectId", "candidate", "status", "scoredAt");

-- CreateIndex
CREATE INDEX "GateRun_projectId_createdAt_idx" ON "GateRun"("projectId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "GateRun_projectId_runId_key" ON "GateRun"("projectId", "runId");

-- CreateIndex
CREATE INDEX "Interaction_projectId_gateRunId_idx" ON "Interaction"("projectId", "gateRunId");

-- AddForeignKey
ALTER TABLE "PromptSuite" ADD CONSTRAINT "PromptSuite_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SuitePrompt" ADD CONSTRAINT "SuitePrompt_suiteId_fkey" FOREIGN KEY ("suiteId") REFERENCES "PromptSuite"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GateRun" ADD CONSTRAINT "GateRun_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GateRun" ADD CONSTRAINT "GateRun_suiteId_fkey" FOREIGN KEY ("suiteId") REFERENCES "PromptSuite"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
