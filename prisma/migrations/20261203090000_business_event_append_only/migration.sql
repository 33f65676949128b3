-- Business outcomes are evidence like interactions, verdicts and reports: ingest
-- names each in its request's audit event with a digest that audit:verify
-- checks, so the database refuses to rewrite or remove them as it does the others.
CREATE TRIGGER "BusinessEvent_append_only_row" BEFORE UPDATE OR DELETE ON "BusinessEvent"
  FOR EACH ROW EXECUTE FUNCTION rampart_reject_evidence_change();
CREATE TRIGGER "BusinessEvent_append_only_truncate" BEFORE TRUNCATE ON "BusinessEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION rampart_reject_evidence_change();
