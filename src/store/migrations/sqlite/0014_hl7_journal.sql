-- The journal of HL7 v2 messages received over MLLP (issue 14): every message is recorded here,
-- byte for byte, before the sender gets its AA; one row per sender and MSH-10, so that a message
-- sent again is acknowledged again and never recorded twice. status: received (not yet
-- handled), filed, to-reconcile, rejected. ack_code: the MSA-1 sent back (AA, AE, AR).
CREATE TABLE hl7_message (
    id                  INTEGER PRIMARY KEY,
    received_at         TEXT NOT NULL,          -- ISO 8601 UTC
    sending_application TEXT NOT NULL,          -- MSH-3 as sent
    sending_facility    TEXT NOT NULL,          -- MSH-4 as sent
    control_id          TEXT NOT NULL,          -- MSH-10
    message_type        TEXT NOT NULL,          -- MSH-9 as sent
    raw                 BLOB NOT NULL,          -- the frame's payload as received
    status              TEXT NOT NULL DEFAULT 'received'
                        CHECK (status IN ('received', 'filed', 'to-reconcile', 'rejected')),
    ack_code            TEXT NOT NULL CHECK (ack_code IN ('AA', 'AE', 'AR')),
    UNIQUE (sending_application, sending_facility, control_id)
);
CREATE INDEX hl7_message_status ON hl7_message (status, received_at);
