-- The outbox (issue 15): every document Chevet feeds to the DMP, directly (ITI-41) or through
-- the hospital's gateway (PFI, HL7 v2), written in the same transaction as the document. Ids
-- and the exact request are stored before the first send and never regenerated.

CREATE TABLE outbox_item (
    id              INTEGER PRIMARY KEY,
    document_id     INTEGER NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    patient_id      INTEGER NOT NULL REFERENCES patient (id) ON DELETE CASCADE,
    action          TEXT NOT NULL CHECK (action IN ('feed', 'replace', 'delete')),
    route           TEXT NOT NULL CHECK (route IN ('dmp', 'pfi')),
    state           TEXT NOT NULL CHECK (state IN ('waiting', 'sending', 'sent', 'acknowledged',
                        'failed', 'held', 'cancelled', 'not_sent')),
    final_failure   INTEGER NOT NULL DEFAULT 0 CHECK (final_failure IN (0, 1)),
    -- When it may be sent (the deferral, then each retry's back-off), ISO 8601 UTC.
    due_at          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    -- Set when an attempt's outcome is unknown (timeout, reset, 5xx, a crash while sending):
    -- the DMP is asked before any resend.
    verify          INTEGER NOT NULL DEFAULT 0 CHECK (verify IN (0, 1)),
    -- Who is sending it and until when (a crashed sender's items are taken again after).
    taken_by        TEXT,
    lease_until     TEXT,
    -- Why it waits, is held, failed or was not sent: plain French, no patient data.
    reason          TEXT,
    -- The ids, fixed once: the document's uniqueId, the submission set's, the HL7 MSH-10.
    document_unique_id   TEXT NOT NULL,
    submission_unique_id TEXT,
    message_id           TEXT UNIQUE,
    -- The version targeted by a replacement or deletion: its uniqueId, and its entryUUID once
    -- known; this job runs only after the one that sent that version (depends_on).
    target_unique_id TEXT,
    entry_uuid      TEXT,
    depends_on      INTEGER REFERENCES outbox_item (id),
    -- The exact request (ITI-41 body and signature, or the HL7 v2 message).
    request         BLOB NOT NULL,
    -- The professional on whose behalf it is sent (JSON) and the visibility chosen.
    author          TEXT NOT NULL,
    invisible_patient    INTEGER NOT NULL DEFAULT 0,
    invisible_legal_reps INTEGER NOT NULL DEFAULT 0,
    masked_ps            INTEGER NOT NULL DEFAULT 0,
    -- A "send the history" batch, to follow and cancel together.
    batch           TEXT,
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX outbox_item_due ON outbox_item (state, due_at);
CREATE INDEX outbox_item_document ON outbox_item (document_id, id);
CREATE INDEX outbox_item_batch ON outbox_item (batch) WHERE batch IS NOT NULL;

-- The business acknowledgements the gateway sends back (ZAM Z01/Z02/Z03).
CREATE TABLE outbox_ack (
    id              INTEGER PRIMARY KEY,
    item_id         INTEGER NOT NULL REFERENCES outbox_item (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('dmp', 'mss', 'read')),
    ok              INTEGER NOT NULL CHECK (ok IN (0, 1)),
    recipient       TEXT,
    code            TEXT,
    label           TEXT,
    received_at     TEXT NOT NULL
);
CREATE INDEX outbox_ack_item ON outbox_ack (item_id);
