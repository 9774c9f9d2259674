-- Usage counters (issue 18): the indicators kept up to date as events happen, so that a report
-- reads a few thousand rows whatever the store's size. One row per FINESS géographique ×
-- document type × month (YYYY-MM, UTC) × indicator (`Indicator::code`); `finess_geo = ''` is
-- the establishment's configured FINESS, mapped when read. Fed by the triggers below (same
-- rules as `indicators::query`, counted once when the event happens) and, for the DMP traces,
-- by `store::usage_counters::bump` in the transaction that writes the trace. Filled from the
-- existing rows by the migration's Rust step (`indicators::rebuild`, run in this transaction).
CREATE TABLE usage_counter (
    finess_geo  TEXT NOT NULL,
    type_code   TEXT NOT NULL,
    type_label  TEXT NOT NULL,
    month       TEXT NOT NULL,
    indicator   TEXT NOT NULL,
    n           BIGINT NOT NULL,
    PRIMARY KEY (finess_geo, type_code, month, indicator)
);
CREATE INDEX usage_counter_month ON usage_counter (month);

-- Adds `p_n` to the counter of a document's site and type (none: nothing).
CREATE FUNCTION chevet_usage_bump_document(p_document BIGINT, p_at TEXT, p_indicator TEXT,
                                           p_n BIGINT) RETURNS void AS $$
BEGIN
    IF p_at IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO usage_counter (finess_geo, type_code, type_label, month, indicator, n)
    SELECT coalesce(e.finess_geo, ''), d.type_code, d.type_label, substr(p_at, 1, 7),
           p_indicator, p_n
    FROM document d
    LEFT JOIN episode e ON e.id = d.episode_id
    WHERE d.id = p_document
    ON CONFLICT (finess_geo, type_code, month, indicator)
        DO UPDATE SET n = usage_counter.n + excluded.n;
END
$$ LANGUAGE plpgsql;

-- Produced here: a `local` document, by its storing date (un-counted when it turns out to be
-- received: the gateway's HL7 v2 files a `local` document, then its receipt); a storing date
-- rewritten (the demo's history) moves the count.
CREATE FUNCTION chevet_usage_document() RETURNS trigger AS $$
BEGIN
    IF NEW.provenance <> 'local' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM chevet_usage_bump_document(NEW.id, NEW.integrated_at, 'documents_produits', 1);
    ELSIF OLD.provenance = 'local' AND OLD.integrated_at IS DISTINCT FROM NEW.integrated_at
          AND NOT EXISTS (SELECT 1 FROM received_document r WHERE r.document_id = NEW.id) THEN
        PERFORM chevet_usage_bump_document(NEW.id, OLD.integrated_at, 'documents_produits', -1);
        PERFORM chevet_usage_bump_document(NEW.id, NEW.integrated_at, 'documents_produits', 1);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER usage_document AFTER INSERT OR UPDATE OF integrated_at ON document
    FOR EACH ROW EXECUTE FUNCTION chevet_usage_document();

-- Received (one row per document): counted by its time, filed automatically unless a person
-- filed it from the inbox; a `local` document received was not produced here.
CREATE FUNCTION chevet_usage_received() RETURNS trigger AS $$
DECLARE
    d document%ROWTYPE;
BEGIN
    SELECT * INTO d FROM document WHERE id = NEW.document_id;
    PERFORM chevet_usage_bump_document(NEW.document_id, NEW.received_at, 'recus', 1);
    IF EXISTS (SELECT 1 FROM inbox_item i
               WHERE i.document_id = NEW.document_id AND i.status = 'filed') THEN
        PERFORM chevet_usage_bump_document(NEW.document_id, NEW.received_at,
                                           'recus_rapproches_main', 1);
    ELSE
        PERFORM chevet_usage_bump_document(NEW.document_id, NEW.received_at,
                                           'recus_integres_auto', 1);
    END IF;
    IF d.provenance = 'local' THEN
        PERFORM chevet_usage_bump_document(NEW.document_id, d.integrated_at,
                                           'documents_produits', -1);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER usage_received AFTER INSERT ON received_document
    FOR EACH ROW EXECUTE FUNCTION chevet_usage_received();

-- An inbox item filed by a person onto a document already counted as received automatically:
-- the count moves to "reconciled by hand" (the first such item only).
CREATE FUNCTION chevet_usage_inbox() RETURNS trigger AS $$
DECLARE
    v_received TEXT;
BEGIN
    IF NEW.status <> 'filed' OR NEW.document_id IS NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.status = 'filed'
       AND OLD.document_id IS NOT DISTINCT FROM NEW.document_id THEN
        RETURN NULL;
    END IF;
    IF EXISTS (SELECT 1 FROM inbox_item i WHERE i.document_id = NEW.document_id
                 AND i.status = 'filed' AND i.id <> NEW.id
                 AND (TG_OP = 'UPDATE' OR i.id < NEW.id)) THEN
        RETURN NULL;
    END IF;
    SELECT r.received_at INTO v_received FROM received_document r
        WHERE r.document_id = NEW.document_id;
    IF FOUND THEN
        PERFORM chevet_usage_bump_document(NEW.document_id, v_received,
                                           'recus_integres_auto', -1);
        PERFORM chevet_usage_bump_document(NEW.document_id, v_received,
                                           'recus_rapproches_main', 1);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER usage_inbox AFTER INSERT OR UPDATE OF status, document_id ON inbox_item
    FOR EACH ROW EXECUTE FUNCTION chevet_usage_inbox();

-- A feed or replacement job (DMP) or a send (MSSanté) counted the first time it is sent or
-- acknowledged, by `sent_at`; a direct ITI-41 acknowledged at sending counts as acknowledged.
-- A job failing later (a negative receipt) is not un-counted; a retried one is not counted
-- again (its first `sent_at` stays).
CREATE FUNCTION chevet_usage_outbox() RETURNS trigger AS $$
BEGIN
    IF NEW.state NOT IN ('sent', 'acknowledged') OR NEW.sent_at IS NULL
       OR NEW.action NOT IN ('feed', 'replace') OR NEW.channel NOT IN ('dmp', 'mss') THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND (OLD.state IN ('sent', 'acknowledged') OR OLD.sent_at IS NOT NULL)
    THEN
        RETURN NULL;
    END IF;
    PERFORM chevet_usage_bump_document(NEW.document_id, NEW.sent_at,
        CASE NEW.channel WHEN 'dmp' THEN 'dmp_alimentes' ELSE 'mss_envoyes' END, 1);
    IF NEW.channel = 'dmp' AND NEW.route = 'dmp' AND NEW.state = 'acknowledged' THEN
        PERFORM chevet_usage_bump_document(NEW.document_id, NEW.sent_at, 'dmp_acquittes', 1);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER usage_outbox AFTER INSERT OR UPDATE OF state ON outbox_item
    FOR EACH ROW EXECUTE FUNCTION chevet_usage_outbox();

-- A job's first positive receipt of a kind (the lowest id: several written by one statement
-- all see one another in PostgreSQL), by its time: DMP filing (gateway), MSSanté delivery, read.
CREATE FUNCTION chevet_usage_receipt() RETURNS trigger AS $$
DECLARE
    o outbox_item%ROWTYPE;
BEGIN
    IF NEW.ok <> 1 THEN
        RETURN NULL;
    END IF;
    IF EXISTS (SELECT 1 FROM outbox_ack a WHERE a.item_id = NEW.item_id
                 AND a.kind = NEW.kind AND a.ok = 1 AND a.id < NEW.id) THEN
        RETURN NULL;
    END IF;
    SELECT * INTO o FROM outbox_item WHERE id = NEW.item_id;
    -- (A CASE in an IF's condition would end it at its first THEN.)
    IF NOT FOUND OR o.channel <> (SELECT CASE NEW.kind WHEN 'dmp' THEN 'dmp' ELSE 'mss' END)
    THEN
        RETURN NULL;
    END IF;
    PERFORM chevet_usage_bump_document(o.document_id, NEW.received_at,
        CASE NEW.kind WHEN 'dmp' THEN 'dmp_acquittes' WHEN 'mss' THEN 'mss_distribues'
             ELSE 'mss_lus' END, 1);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER usage_receipt AFTER INSERT ON outbox_ack
    FOR EACH ROW EXECUTE FUNCTION chevet_usage_receipt();
