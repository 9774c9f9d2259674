-- Identity vigilance (issue 17): the history of each patient's identity status. Every change
-- (INSi's identity accepted, a document checked, a doubt, what the GAM sent) and every
-- decision that changed nothing (an INSi answer refused, no identity found, a low-trust
-- document) is one row: who, what, from which status to which, why. Written in the same
-- transaction as the patient's row. Append-only: a merge (A40) is the one update, moving the
-- rows of the folder removed to the folder kept.
CREATE TABLE identity_history (
    id             INTEGER PRIMARY KEY,
    patient_id     INTEGER NOT NULL REFERENCES patient (id),
    at             TEXT NOT NULL,              -- ISO 8601 UTC
    actor          TEXT NOT NULL,              -- account login, or gam:<sending application>
    event          TEXT NOT NULL,              -- ins-accepted, ins-refused, document-checked…
    from_status    TEXT NOT NULL CHECK (from_status IN ('PROV', 'RECUP', 'VALI', 'QUAL')),
    to_status      TEXT NOT NULL CHECK (to_status IN ('PROV', 'RECUP', 'VALI', 'QUAL')),
    document       TEXT,                       -- cni, passeport, titre-sejour…
    reason         TEXT,                       -- the doubt's reason
    insi_result    TEXT,                       -- CodeCR: 00, 01, 02
    insi_calls     INTEGER,                    -- calls the INSi search took
    ins_matricule  TEXT,                       -- the INS accepted (or kept by a downgrade)
    ins_oid        TEXT,
    detail         TEXT NOT NULL DEFAULT ''    -- codes only: traits that differed, what the GAM sent
);
CREATE INDEX identity_history_patient ON identity_history (patient_id, id);
CREATE TRIGGER identity_history_no_edit BEFORE UPDATE OF id, at, actor, event, from_status,
    to_status, document, reason, insi_result, insi_calls, ins_matricule, ins_oid, detail
    ON identity_history
BEGIN SELECT RAISE(ABORT, 'identity history is append-only'); END;
CREATE TRIGGER identity_history_no_delete BEFORE DELETE ON identity_history
BEGIN SELECT RAISE(ABORT, 'identity history is append-only'); END;
