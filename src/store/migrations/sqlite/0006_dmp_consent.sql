-- The patient's information and opposition about the DMP, per care episode (DSR HOP-DPI Va2
-- §3.2.2 a). Every change is a new row holding the full state; the latest row of an episode
-- is its current state. Rows are never updated nor deleted (history of what the care team
-- was told). The bris de glace reason is free text: it stays here, never in the audit trail.
CREATE TABLE dmp_consent (
    id                    INTEGER PRIMARY KEY,
    episode_id            INTEGER NOT NULL REFERENCES episode (id),
    information           TEXT NOT NULL CHECK (information IN ('none', 'not-opposed', 'opposed')),
    opposes_feeding       INTEGER NOT NULL CHECK (opposes_feeding IN (0, 1)),
    opposes_consultation  INTEGER NOT NULL CHECK (opposes_consultation IN (0, 1)),
    break_glass_reason    TEXT,                 -- trimmed, 10 to 500 characters
    actor                 TEXT NOT NULL,        -- account login
    recorded_at           TEXT NOT NULL,        -- ISO 8601 UTC
    -- An opposition only with « informé et opposé », which names at least one of the two.
    CHECK ((information = 'opposed') = (opposes_feeding = 1 OR opposes_consultation = 1)),
    -- Bris de glace only when the patient could not be informed.
    CHECK (break_glass_reason IS NULL OR information = 'none')
);
CREATE INDEX dmp_consent_episode ON dmp_consent (episode_id, id);
CREATE TRIGGER dmp_consent_no_update BEFORE UPDATE ON dmp_consent
BEGIN SELECT RAISE(ABORT, 'dmp_consent is a history: insert a new row'); END;
CREATE TRIGGER dmp_consent_no_delete BEFORE DELETE ON dmp_consent
BEGIN SELECT RAISE(ABORT, 'dmp_consent is a history: insert a new row'); END;
