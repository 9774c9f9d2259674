-- The local directory of MSSanté mailboxes (issue 16): the last imported bulk extract
-- "Extraction_Correspondance_MSSante", completed and confirmed by the Annuaire Santé FHIR API.
-- An import fills copies of these tables, indexes them, and swaps them in one transaction;
-- the copies are made from this schema (the catalogue), so this file stays the one definition
-- (the indexes of a copy take a generation suffix: `directory_entry_family_g2`…).

CREATE TABLE directory_entry (
    id                  INTEGER PRIMARY KEY,
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
    -- listeRouge: kept so that a later import does not bring it back, never shown.
    unlisted            INTEGER NOT NULL DEFAULT 0,
    -- When the FHIR API confirmed (or added) it; NULL: from the extract only.
    confirmed_at        TEXT,
    -- Search keys (annuaire::normalize::fold): the family name, the city, and the words
    -- (names, mailbox, profession, specialty, organisation, address; ids have their own paths).
    family_key          TEXT NOT NULL DEFAULT '',
    given_key           TEXT NOT NULL DEFAULT '',
    city_key            TEXT NOT NULL DEFAULT '',
    search_key          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX directory_entry_family ON directory_entry (family_key, given_key, unlisted);
CREATE INDEX directory_entry_person ON directory_entry (person_id);
CREATE INDEX directory_entry_mailbox ON directory_entry (mailbox);
CREATE INDEX directory_entry_postal ON directory_entry (postal_code);
CREATE INDEX directory_entry_city ON directory_entry (city_key);

-- Every word of an entry, for prefix search; the row id is the entry's.
CREATE VIRTUAL TABLE directory_fts USING fts5 (
    search_key,
    content = '',
    detail = none,
    columnsize = 0,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '3'
);

-- The last import: when, from what, how many rows (one row, id 1).
CREATE TABLE directory_import (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    imported_at     TEXT NOT NULL,
    source          TEXT NOT NULL,
    entries         INTEGER NOT NULL,
    skipped         INTEGER NOT NULL
);

-- The import running, if any: its holder and lease (renewed as it goes). A second import
-- (another process, another workstation) is refused while the lease holds; a crashed one's
-- lease runs out.
CREATE TABLE directory_import_lock (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    holder          TEXT NOT NULL,
    until           TEXT NOT NULL
);
