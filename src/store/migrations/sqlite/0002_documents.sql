-- Clinical documents, stored once by CDA id; versions chained by set_id + version_number.
CREATE TABLE document (
    id                    INTEGER PRIMARY KEY,
    patient_id            INTEGER NOT NULL REFERENCES patient (id) ON DELETE CASCADE,
    episode_id            INTEGER REFERENCES episode (id) ON DELETE SET NULL,
    cda_id                TEXT NOT NULL UNIQUE,
    set_id                TEXT NOT NULL,
    version_number        INTEGER NOT NULL,
    type_code             TEXT NOT NULL,
    type_system           TEXT NOT NULL,
    type_label            TEXT NOT NULL,
    class_code            TEXT,
    title                 TEXT NOT NULL,
    act_date              TEXT,
    created_date          TEXT,
    author                TEXT NOT NULL,
    organisation          TEXT NOT NULL,
    confidentiality       TEXT NOT NULL,
    body_kind             TEXT NOT NULL,
    has_pdf               INTEGER NOT NULL CHECK (has_pdf IN (0, 1)),
    replaces              TEXT,
    provenance            TEXT NOT NULL CHECK (provenance IN ('local', 'dmp', 'mss', 'xdm')),
    dmp_share             TEXT NOT NULL DEFAULT 'none',
    mss_share             TEXT NOT NULL DEFAULT 'none',
    invisible_patient     INTEGER NOT NULL DEFAULT 0 CHECK (invisible_patient IN (0, 1)),
    invisible_legal_reps  INTEGER NOT NULL DEFAULT 0 CHECK (invisible_legal_reps IN (0, 1)),
    masked_ps             INTEGER NOT NULL DEFAULT 0 CHECK (masked_ps IN (0, 1)),
    integrated_at         TEXT NOT NULL,
    raw                   BLOB NOT NULL
);
CREATE INDEX document_patient ON document (patient_id, act_date);
CREATE INDEX document_set ON document (set_id, version_number);
