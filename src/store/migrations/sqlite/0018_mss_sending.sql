-- Sending documents by MSSanté through the gateway (issue 16): an outbox job on the PFI route
-- whose channel is 'mss' (the DMP's jobs are 'dmp'), the recipients it names (one PRT RCT
-- each, in order) with the receipts matched to them, and the patient's treating physician as
-- the GAM's PAM ROL segment gives it (proposed first as a recipient).

ALTER TABLE outbox_item ADD COLUMN channel TEXT NOT NULL DEFAULT 'dmp';
ALTER TABLE outbox_item ADD COLUMN patient_may_not_reply INTEGER NOT NULL DEFAULT 0;

CREATE TABLE outbox_recipient (
    id              INTEGER PRIMARY KEY,
    item_id         INTEGER NOT NULL REFERENCES outbox_item (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('professional', 'organisation', 'patient')),
    name            TEXT NOT NULL,
    address         TEXT NOT NULL,
    UNIQUE (item_id, position)
);

ALTER TABLE patient ADD COLUMN treating_physician_id TEXT;
ALTER TABLE patient ADD COLUMN treating_physician_name TEXT;
