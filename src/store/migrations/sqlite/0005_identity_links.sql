-- External identities linked to local accounts. A professional authenticated by Pro Santé
-- Connect or by the CPS card (trust domain `ans`), or by another configured OpenID provider
-- (its id), is known by their national id (idNat_PS). The link is made only after proof:
-- the local account's password, or an administrator's approval of a pending request.
CREATE TABLE identity_link (
    id INTEGER PRIMARY KEY,
    trust_domain TEXT NOT NULL,
    national_id TEXT NOT NULL,
    account_id INTEGER NOT NULL REFERENCES account(id),
    status TEXT NOT NULL CHECK (status IN ('linked', 'pending')),
    created_at TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    UNIQUE (trust_domain, national_id)
);
