-- CreateTable
CREATE TABLE "UserDaySeen" (
    "projectId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "dim" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "userRef" TEXT NOT NULL,

    CONSTRAINT "UserDaySeen_pkey" PRIMARY KEY ("projectId","day","dim","key","userRef")
);

-- CreateTable
CREATE TABLE "UserDayCounted" (
    "projectId" UUID NOT NULL,
    "day" DATE NOT NULL,

    CONSTRAINT "UserDayCounted_pkey" PRIMARY KEY ("projectId","day")
);

-- AddForeignKey
ALTER TABLE "UserDaySeen" ADD CONSTRAINT "UserDaySeen_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UserDayCounted" ADD CONSTRAINT "UserDayCounted_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Days counted before these tables keep their counts. The first minute the
-- rollup job recomputes for such a day has the day recounted once, which
-- fills UserDaySeen and records the day in UserDayCounted; only then do
-- minutes add to it (lib/metrics/rollup.ts, addUsersSeen).
