-- AlterEnum
ALTER TYPE "TriageSource" ADD VALUE 'GATE';
