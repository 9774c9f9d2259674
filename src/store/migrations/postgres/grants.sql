-- Least privilege for the workstations, applied by the schema's owner after every migration
-- (idempotent, so that tables added by later steps are covered). Workstation login roles are
-- members of the group role chevet_workstation (see docs/deployment.md); they read and write
-- the record but cannot change the schema, and they may only INSERT into the audit trail and
-- the consent history: no UPDATE, DELETE or TRUNCATE there, whatever the triggers say.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chevet_workstation') THEN
        CREATE ROLE chevet_workstation NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL; -- created meanwhile by another owner connection
END
$$;
DO $$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO chevet_workstation', current_schema());
    EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM chevet_workstation', current_schema());
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I
                    TO chevet_workstation', current_schema());
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO chevet_workstation',
                   current_schema());
END
$$;
REVOKE UPDATE, DELETE, TRUNCATE ON audit, dmp_consent FROM chevet_workstation;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_version FROM chevet_workstation;
-- The identity-vigilance history (step 20) is append-only: a merge moves rows, nothing deletes.
REVOKE DELETE, TRUNCATE ON identity_history FROM chevet_workstation;
-- The typed settings and the directory job's cursor (step 22) are read and written by the
-- workstations under the general grant above: saves are checked by version, not by rights.
-- The usage counters (step 23) are bumped by the workstations' triggers and trace writes
-- (SELECT, INSERT, UPDATE under the general grant above); `chevet indicators --rebuild`
-- empties them too.
