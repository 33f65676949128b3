-- AlterTable
ALTER TABLE "Interaction" ADD COLUMN     "errorType" TEXT;
