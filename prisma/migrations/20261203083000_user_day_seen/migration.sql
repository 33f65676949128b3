-- CreateTable
CREATE TABLE "UserDaySeen" (
    "projectId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "dim" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "userRef" TEXT NOT NULL,

    CONSTRAINT "UserDaySeen_pkey" PRIMARY KEY ("projectId","day","dim","key","userRef")
);

-- AddForeignKey
ALTER TABLE "UserDaySeen" ADD CONSTRAINT "UserDaySeen_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Distinct users per day now grow minute by minute from this table. Days counted
-- before it existed are recounted (and the table filled) by the rollup job.
INSERT INTO "RollupDirty" ("projectId", kind, bucket, "markedAt")
SELECT DISTINCT "projectId", 'users', date_trunc('day', "occurredAt"), now() FROM "Interaction"
ON CONFLICT (kind, "projectId", bucket) DO UPDATE SET "markedAt" = EXCLUDED."markedAt";
