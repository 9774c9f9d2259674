-- Degraded mode (establishment mode). What a workstation recorded while the shared record was
-- unreachable is replayed exactly once: the consent history and the audit trail keep the
-- writer's origin id, unique when set. The workstation's cache (this SQLite file, named
-- chevet-cache.db in establishment mode) also keeps its replay queue and when each folder was
-- last copied; both tables stay empty in a single-workstation record.
ALTER TABLE dmp_consent ADD COLUMN origin_id TEXT;
CREATE UNIQUE INDEX dmp_consent_origin ON dmp_consent (origin_id) WHERE origin_id IS NOT NULL;
ALTER TABLE audit ADD COLUMN origin_id TEXT;
CREATE UNIQUE INDEX audit_origin ON audit (origin_id) WHERE origin_id IS NOT NULL;

CREATE TABLE replay_queue (
    id          INTEGER PRIMARY KEY,
    origin_id   TEXT NOT NULL UNIQUE,       -- random, stable across replays
    kind        TEXT NOT NULL CHECK (kind IN ('audit', 'consent', 'integrate')),
    payload     TEXT NOT NULL,              -- JSON: local ids and codes, no identity
    blob        BLOB,                       -- an integrated document's CDA
    created_at  TEXT NOT NULL               -- ISO 8601 UTC
);

CREATE TABLE cached_folder (
    patient_id  INTEGER PRIMARY KEY,
    cached_at   TEXT NOT NULL               -- ISO 8601 UTC, the last copy from the record
);
