-- Usage indicators (issue 18, DSR SC.STAT/ES.01): covering indexes for the grouped counts of
-- `indicators` (per FINESS géographique × document type × month), so that each count reads an
-- index in date order and never a document's bytes. No new table: the DMP traces stay the
-- audit trail's `dmp.transaction` rows, read by action and time (docs/decisions.md).
CREATE INDEX document_indicators ON document (provenance, integrated_at, type_code, episode_id);
CREATE INDEX document_type_label ON document (type_code, type_label);
CREATE INDEX outbox_item_indicators ON outbox_item (channel, sent_at, state, action, route, document_id);
CREATE INDEX outbox_ack_indicators ON outbox_ack (kind, ok, item_id, received_at);
CREATE INDEX received_document_indicators ON received_document (received_at, document_id);
CREATE INDEX inbox_item_document ON inbox_item (document_id, status) WHERE document_id IS NOT NULL;
CREATE INDEX audit_action_at ON audit (action, at);
CREATE INDEX episode_finess ON episode (finess_geo);
