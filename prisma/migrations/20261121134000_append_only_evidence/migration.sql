-- Evidence is append-only, enforced by the database itself: no role that
-- connects through the application can rewrite or remove what was recorded.
-- (A superuser can still disable triggers; the audit hash chain is what
-- detects that, see lib/audit/verify.ts.)

CREATE OR REPLACE FUNCTION rampart_reject_evidence_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'rampart: % on "%" is not allowed: evidence is append-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['Interaction', 'Verdict', 'UserReport', 'AuditEvent', 'AuditSeal', 'AuditCheckpoint'] LOOP
    EXECUTE format(
      'CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION rampart_reject_evidence_change()',
      t || '_append_only_row', t);
    EXECUTE format(
      'CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION rampart_reject_evidence_change()',
      t || '_append_only_truncate', t);
  END LOOP;
END;
$$;
