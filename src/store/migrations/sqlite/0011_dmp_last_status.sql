-- The last DMP status this workstation saw for a folder, per professional: the badge and the
-- count of new documents, with when. The folder shows it at once, with its age, while the DMP
-- is asked again, and it tells whether the authorization is already known (then TD0.2 and
-- the TD3.1 count are sent together). Workstation-local: in establishment mode it lives in
-- the workstation's cache, never in the shared record.
CREATE TABLE dmp_last_status (
    patient_id     INTEGER NOT NULL REFERENCES patient (id) ON DELETE CASCADE,
    professional   TEXT NOT NULL,           -- the professional's national id
    badge          TEXT NOT NULL,
    new_count      INTEGER,                 -- NULL: not counted
    new_invisible  INTEGER,
    count_since    TEXT,                    -- YYYY-MM-DD, the count's reference day
    seen_at        TEXT NOT NULL,           -- ISO 8601 UTC
    PRIMARY KEY (patient_id, professional)
);
