-- Local accounts' security (issue 17): the password to change at first use (set by an
-- administrator), when it last changed, the last sign-in; the second factor: the TOTP secret
-- sealed under a key derived from the password (AES-256-GCM, never in clear), the last time
-- step used (a code is accepted once), when it was enrolled; the previous passwords' hashes
-- (none may come back) and the recovery codes' digests (each used once).

ALTER TABLE account ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0
    CHECK (must_change_password IN (0, 1));
ALTER TABLE account ADD COLUMN password_changed_at TEXT;
ALTER TABLE account ADD COLUMN last_login_at TEXT;
ALTER TABLE account ADD COLUMN totp_sealed BLOB;
ALTER TABLE account ADD COLUMN totp_last_step INTEGER;
ALTER TABLE account ADD COLUMN totp_enrolled_at TEXT;

CREATE TABLE account_password_history (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    password_hash   TEXT NOT NULL,              -- argon2id PHC string
    replaced_at     TEXT NOT NULL
);
CREATE INDEX account_password_history_account
    ON account_password_history (account_id, id);

CREATE TABLE account_recovery_code (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    digest          BLOB NOT NULL,              -- SHA-256, bound to the account
    used_at         TEXT,
    UNIQUE (account_id, digest)
);
