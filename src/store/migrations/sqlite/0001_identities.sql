-- Patients and their care episodes.
CREATE TABLE patient (
    id                INTEGER PRIMARY KEY,
    ipp               TEXT NOT NULL UNIQUE,
    ins_matricule     TEXT,
    ins_oid           TEXT,
    birth_name        TEXT NOT NULL,
    birth_first_names TEXT NOT NULL,
    birth_date        TEXT NOT NULL,            -- ISO 8601 date
    sex               TEXT NOT NULL CHECK (sex IN ('M', 'F', 'U')),
    birthplace_insee  TEXT,
    used_name         TEXT,
    used_first_name   TEXT,
    identity_status   TEXT NOT NULL CHECK (identity_status IN ('PROV', 'RECUP', 'VALI', 'QUAL')),
    search_key        TEXT NOT NULL,            -- folded names for search
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    CHECK ((ins_matricule IS NULL) = (ins_oid IS NULL)),
    CHECK (identity_status NOT IN ('RECUP', 'QUAL') OR ins_matricule IS NOT NULL)
);
CREATE UNIQUE INDEX patient_ins ON patient (ins_matricule, ins_oid) WHERE ins_matricule IS NOT NULL;
CREATE INDEX patient_search ON patient (search_key);

CREATE TABLE episode (
    id          INTEGER PRIMARY KEY,
    patient_id  INTEGER NOT NULL REFERENCES patient (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('I', 'O', 'E')),
    start_at    TEXT NOT NULL,
    end_at      TEXT,
    unit        TEXT NOT NULL,
    finess_geo  TEXT NOT NULL
);
CREATE INDEX episode_patient ON episode (patient_id, start_at);
