-- Typed settings (issue 18): one JSON document, versioned for the optimistic check of
-- concurrent saves by the workstations. The former key/value rows of `setting` are converted
-- by the first load (settings::load, one transaction), which then empties that table.
CREATE TABLE app_settings (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    format      BIGINT NOT NULL,           -- settings::SETTINGS_FORMAT of the writer
    version     BIGINT NOT NULL,           -- bumped by every write
    document    TEXT NOT NULL,             -- the settings as JSON
    updated_at  TEXT NOT NULL,             -- ISO 8601 UTC
    updated_by  TEXT NOT NULL              -- account login, `migration`, `anonymous`
);

-- The directory job's API cursor: state of the job, not a setting.
CREATE TABLE directory_sync_state (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    api_synced_on  TEXT NOT NULL           -- AAAA-MM-JJ
);
INSERT INTO directory_sync_state (id, api_synced_on)
    SELECT 1, value FROM setting WHERE key = 'annuaire.api_synced_on';
DELETE FROM setting WHERE key = 'annuaire.api_synced_on';
