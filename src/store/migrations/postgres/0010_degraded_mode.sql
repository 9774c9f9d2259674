-- PostgreSQL form of step 10 (sqlite/0010_degraded_mode.sql): only the origin ids, which make
-- the replay of a workstation's degraded-mode queue exactly-once. The queue and the list of
-- cached folders live in each workstation's cache, never in the shared record.
ALTER TABLE dmp_consent ADD COLUMN origin_id TEXT;
CREATE UNIQUE INDEX dmp_consent_origin ON dmp_consent (origin_id) WHERE origin_id IS NOT NULL;
ALTER TABLE audit ADD COLUMN origin_id TEXT;
CREATE UNIQUE INDEX audit_origin ON audit (origin_id) WHERE origin_id IS NOT NULL;
