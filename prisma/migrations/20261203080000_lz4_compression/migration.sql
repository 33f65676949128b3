-- Compress large values on the ingest write path with lz4 instead of pglz.
-- A batch's outbox payload (~4 KB of row ids) and its request's audit event
-- (every stored event's id and digest, ~15 KB) are compressed on every ingest
-- statement; pglz_compress was the largest single function in a Postgres
-- profile of batched ingest (5.7%), and lz4 gives up on incompressible
-- digests much sooner. Prompts and responses over the inline limit benefit
-- the same way. Existing values keep their compression; only new ones change.
-- Skipped where the server was built without lz4 (it then stays pglz).
DO $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)
  ) THEN
    ALTER TABLE "OutboxEvent" ALTER COLUMN "payload" SET COMPRESSION lz4;
    ALTER TABLE "AuditEvent"
      ALTER COLUMN "metadata" SET COMPRESSION lz4,
      ALTER COLUMN "before" SET COMPRESSION lz4,
      ALTER COLUMN "after" SET COMPRESSION lz4;
    ALTER TABLE "Interaction"
      ALTER COLUMN "promptRedacted" SET COMPRESSION lz4,
      ALTER COLUMN "responseRedacted" SET COMPRESSION lz4,
      ALTER COLUMN "flagState" SET COMPRESSION lz4,
      ALTER COLUMN "provenance" SET COMPRESSION lz4;
    ALTER TABLE "Verdict" ALTER COLUMN "scores" SET COMPRESSION lz4;
    ALTER TABLE "UserReport" ALTER COLUMN "text" SET COMPRESSION lz4;
  END IF;
END
$$;

-- Encrypted originals never compress: keep them out of line without trying.
ALTER TABLE "Interaction" ALTER COLUMN "originalEnc" SET STORAGE EXTERNAL;
