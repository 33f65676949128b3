-- CreateTable
CREATE TABLE "ReviewerAgreement" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "reviewerId" UUID NOT NULL,
    "pairs" INTEGER NOT NULL,
    "agreements" INTEGER NOT NULL,
    "kappa" DOUBLE PRECISION,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReviewerAgreement_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ReviewerAgreement_projectId_reviewerId_key" ON "ReviewerAgreement"("projectId", "reviewerId");

-- CreateIndex
CREATE INDEX "Label_reviewerId_createdAt_idx" ON "Label"("reviewerId", "createdAt");

-- AddForeignKey
ALTER TABLE "ReviewerAgreement" ADD CONSTRAINT "ReviewerAgreement_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewerAgreement" ADD CONSTRAINT "ReviewerAgreement_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
