-- AlterTable
ALTER TABLE "Environment" ADD COLUMN     "killSwitchOffRequestReason" TEXT,
ADD COLUMN     "killSwitchOffRequestedAt" TIMESTAMP(3),
ADD COLUMN     "killSwitchOffRequestedById" UUID;
