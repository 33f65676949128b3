-- A label carries its item's request id, so that exports can read a project's
-- labels in (projectId, requestId) order: the order of the TriageItem and
-- Interaction unique indexes, which Postgres then merges without hashing or
-- sorting and streams from the first row (lib/exports/read-records.ts).
-- The database copies it whenever a label is written, whichever code writes
-- it; an item's request id never changes.

-- AlterTable
ALTER TABLE "Label" ADD COLUMN     "requestId" TEXT;

-- Backfill, before the trigger exists (which would look the item up again per row)
UPDATE "Label" l SET "requestId" = t."requestId" FROM "TriageItem" t WHERE t.id = l."triageItemId";

CREATE OR REPLACE FUNCTION rampart_label_request_id() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  SELECT t."requestId" INTO NEW."requestId" FROM "TriageItem" t WHERE t.id = NEW."triageItemId";
  RETURN NEW;
END;
$$;

CREATE TRIGGER "Label_request_id" BEFORE INSERT OR UPDATE OF "triageItemId", "requestId" ON "Label"
  FOR EACH ROW EXECUTE FUNCTION rampart_label_request_id();

-- CreateIndex
CREATE INDEX "Label_projectId_requestId_createdAt_id_idx" ON "Label"("projectId", "requestId", "createdAt", "id");
