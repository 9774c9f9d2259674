-- The local directory of MSSanté mailboxes (issue 16): the last imported bulk extract
-- "Extraction_Correspondance_MSSante", completed and confirmed by the Annuaire Santé FHIR API.
-- An import fills a copy of the table, indexes it, and swaps it in one transaction; the copy
-- is made from this schema (LIKE … and pg_indexes), so this file stays the one definition
-- (the indexes of a copy take a generation suffix: `directory_entry_family_g2`…).

CREATE TABLE directory_entry (
    id                  BIGINT PRIMARY KEY,
    kind                TEXT NOT NULL,
    mailbox             TEXT NOT NULL,
    person_id_type      TEXT NOT NULL DEFAULT '',
    person_id           TEXT NOT NULL DEFAULT '',
    national_id         TEXT NOT NULL DEFAULT '',
    structure_id_type   TEXT NOT NULL DEFAULT '',
    structure_id        TEXT NOT NULL DEFAULT '',
    service             TEXT NOT NULL DEFAULT '',
    civility            TEXT NOT NULL DEFAULT '',
    family_name         TEXT NOT NULL DEFAULT '',
    given_name          TEXT NOT NULL DEFAULT '',
    category_code       TEXT NOT NULL DEFAULT '',
    category_label      TEXT NOT NULL DEFAULT '',
    profession_code     TEXT NOT NULL DEFAULT '',
    profession_label    TEXT NOT NULL DEFAULT '',
    specialty_code      TEXT NOT NULL DEFAULT '',
    specialty_label     TEXT NOT NULL DEFAULT '',
    dematerialisation   TEXT NOT NULL DEFAULT '',
    organisation        TEXT NOT NULL DEFAULT '',
    trade_name          TEXT NOT NULL DEFAULT '',
    addr_complement     TEXT NOT NULL DEFAULT '',
    addr_distribution   TEXT NOT NULL DEFAULT '',
    street_number       TEXT NOT NULL DEFAULT '',
    street_number_complement TEXT NOT NULL DEFAULT '',
    street_type         TEXT NOT NULL DEFAULT '',
    street_label        TEXT NOT NULL DEFAULT '',
    locality            TEXT NOT NULL DEFAULT '',
    routing_line        TEXT NOT NULL DEFAULT '',
    postal_code         TEXT NOT NULL DEFAULT '',
    department          TEXT NOT NULL DEFAULT '',
    country             TEXT NOT NULL DEFAULT '',
    unlisted            BIGINT NOT NULL DEFAULT 0,
    confirmed_at        TEXT,
    family_key          TEXT NOT NULL DEFAULT '',
    given_key           TEXT NOT NULL DEFAULT '',
    city_key            TEXT NOT NULL DEFAULT '',
    search_key          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX directory_entry_family ON directory_entry (family_key text_pattern_ops, given_key, unlisted);
CREATE INDEX directory_entry_person ON directory_entry (person_id);
CREATE INDEX directory_entry_mailbox ON directory_entry (mailbox);
CREATE INDEX directory_entry_postal ON directory_entry (postal_code);
CREATE INDEX directory_entry_city ON directory_entry (city_key);
-- Every word, for prefix search (to_tsquery 'word:*').
CREATE INDEX directory_entry_words ON directory_entry
    USING gin (to_tsvector('simple'::regconfig, search_key));

CREATE TABLE directory_import (
    id              BIGINT PRIMARY KEY CHECK (id = 1),
    imported_at     TEXT NOT NULL,
    source          TEXT NOT NULL,
    entries         BIGINT NOT NULL,
    skipped         BIGINT NOT NULL
);

-- The import running, if any: its holder and lease (renewed as it goes). A second import
-- (another process, another workstation) is refused while the lease holds; a crashed one's
-- lease runs out.
CREATE TABLE directory_import_lock (
    id              BIGINT PRIMARY KEY CHECK (id = 1),
    holder          TEXT NOT NULL,
    until           TEXT NOT NULL
);
