-- Local accounts, the append-only hash-chained audit trail, and settings.
CREATE TABLE account (
    id                INTEGER PRIMARY KEY,
    login             TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name      TEXT NOT NULL,
    role              TEXT NOT NULL,
    password_hash     TEXT NOT NULL,            -- argon2id PHC string
    national_id       TEXT,                     -- idNat_PS, when known
    active            INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    failed_attempts   INTEGER NOT NULL DEFAULT 0,
    locked_until      TEXT,
    created_at        TEXT NOT NULL
);

CREATE TABLE audit (
    seq          INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,                 -- account login or 'system'
    action       TEXT NOT NULL,
    object_kind  TEXT NOT NULL,
    object_id    TEXT NOT NULL,                 -- local row ids only, never an identity
    detail       TEXT NOT NULL,
    prev_hash    BLOB NOT NULL,
    hash         BLOB NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;

CREATE TABLE setting (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
