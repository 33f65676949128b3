-- AlterTable
ALTER TABLE "Export" ADD COLUMN     "scannedRows" INTEGER NOT NULL DEFAULT 0;
