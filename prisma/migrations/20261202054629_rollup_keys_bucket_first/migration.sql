/*
  Warnings:

  - The primary key for the `MetricDailyUsers` table will be changed. If it partially fails, the table could be left without primary key constraint.
  - The primary key for the `MetricRollup` table will be changed. If it partially fails, the table could be left without primary key constraint.

*/
-- AlterTable
ALTER TABLE "MetricDailyUsers" DROP CONSTRAINT "MetricDailyUsers_pkey",
ADD CONSTRAINT "MetricDailyUsers_pkey" PRIMARY KEY ("projectId", "day", "dim", "key");

-- AlterTable
ALTER TABLE "MetricRollup" DROP CONSTRAINT "MetricRollup_pkey",
ADD CONSTRAINT "MetricRollup_pkey" PRIMARY KEY ("projectId", "grain", "bucket", "dim", "key");
