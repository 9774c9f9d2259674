-- What the hospital sends (issue 14): stays and movements from the GAM (IHE PAM-FR), the DMP
-- information and opposition it records (ZFA), documents received from the messaging gateway
-- (HL7 v2 MDM/ORU) or imported from an IHE XDM archive, the documents waiting for a person to
-- reconcile them, and the identity-vigilance list. Identity values stay inside this encrypted
-- record; the journal's texts are fixed wording and codes.

-- The ERR codes sent back with the ACK (`207:902`, comma separated), so that a message sent
-- again gets the same answer; and what intake did, in fixed wording.
ALTER TABLE hl7_message ADD COLUMN ack_errors TEXT;
ALTER TABLE hl7_message ADD COLUMN outcome TEXT;

-- A stay known to the GAM: its visit number (PV1-19), its state, where it came from.
ALTER TABLE episode ADD COLUMN visit_number TEXT;
ALTER TABLE episode ADD COLUMN source TEXT NOT NULL DEFAULT 'local';
ALTER TABLE episode ADD COLUMN state TEXT NOT NULL DEFAULT 'current';
CREATE UNIQUE INDEX episode_visit ON episode (visit_number) WHERE visit_number IS NOT NULL;

-- The movements of a stay (ZBE): one row per movement id, updated or cancelled in place.
CREATE TABLE movement (
    id           INTEGER PRIMARY KEY,
    episode_id   INTEGER NOT NULL REFERENCES episode (id) ON DELETE CASCADE,
    movement_id  TEXT NOT NULL UNIQUE,        -- ZBE-1
    start_at     TEXT NOT NULL,               -- ZBE-2, ISO 8601
    trigger      TEXT NOT NULL,               -- the event (A01, A02…), ZBE-6 for an update
    unit         TEXT NOT NULL,               -- ZBE-7 (UF of medical responsibility) or PV1-3
    nature       TEXT,                        -- ZBE-9
    cancelled    INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1))
);
CREATE INDEX movement_episode ON movement (episode_id, start_at);

-- A consent row recorded from the GAM's ZFA (source 'gam'), with the date the GAM gives.
ALTER TABLE dmp_consent ADD COLUMN source TEXT NOT NULL DEFAULT 'user';
ALTER TABLE dmp_consent ADD COLUMN stated_on TEXT;

-- A document deleted by its sender (MDM T04): still viewable, shown as deleted.
ALTER TABLE document ADD COLUMN deleted_at TEXT;

-- Documents received from outside and filed: who sent them, to whom, the mail's subject and
-- body, and whether the folder's users have seen them yet (the badge, "documents reçus").
CREATE TABLE received_document (
    document_id  INTEGER PRIMARY KEY REFERENCES document (id) ON DELETE CASCADE,
    patient_id   INTEGER NOT NULL REFERENCES patient (id) ON DELETE CASCADE,
    message_id   INTEGER REFERENCES hl7_message (id),
    channel      TEXT NOT NULL CHECK (channel IN ('mss', 'hl7', 'xdm')),
    sender       TEXT NOT NULL,               -- e-mail address, or the sending application
    recipients   TEXT NOT NULL,               -- e-mail addresses, comma separated
    subject      TEXT,
    body         TEXT,
    action       TEXT NOT NULL CHECK (action IN ('new', 'replace', 'delete')),
    received_at  TEXT NOT NULL,               -- ISO 8601 UTC
    seen_at      TEXT                         -- NULL: not yet opened
);
CREATE INDEX received_document_patient ON received_document (patient_id, seen_at);

-- Documents not filed automatically: they wait for a person (documents à rapprocher).
CREATE TABLE inbox_item (
    id            INTEGER PRIMARY KEY,
    message_id    INTEGER REFERENCES hl7_message (id),
    channel       TEXT NOT NULL CHECK (channel IN ('mss', 'hl7', 'xdm')),
    reason        TEXT NOT NULL,              -- 900…906, or 'import' (XDM)
    cda_id        TEXT,
    title         TEXT NOT NULL,
    raw           BLOB NOT NULL,              -- the document as received
    traits        TEXT NOT NULL,              -- JSON: the identity the sender gave
    sender        TEXT NOT NULL,
    recipients    TEXT NOT NULL,
    subject       TEXT,
    body          TEXT,
    action        TEXT NOT NULL CHECK (action IN ('new', 'replace', 'delete')),
    replaces      TEXT,                       -- the CDA id replaced or deleted
    received_at   TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'filed', 'refused')),
    patient_id    INTEGER REFERENCES patient (id),
    document_id   INTEGER REFERENCES document (id),
    decided_by    TEXT,
    decided_at    TEXT
);
CREATE INDEX inbox_item_status ON inbox_item (status, received_at);

-- Identity conflicts found while reading what the GAM or the gateway sent: a person decides,
-- nothing is merged silently.
CREATE TABLE identity_alert (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,              -- ins-traits-differ, merge-with-documents, …
    patient_id    INTEGER REFERENCES patient (id),
    other_id      INTEGER REFERENCES patient (id),
    message_id    INTEGER REFERENCES hl7_message (id),
    raised_at     TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    decided_by    TEXT,
    decided_at    TEXT
);
CREATE INDEX identity_alert_status ON identity_alert (status, raised_at);
