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

-- Produced here: a `local` document, by its storing date (un-counted below when it turns out
-- to be received: the gateway's HL7 v2 files a `local` document, then its receipt).
CREATE TRIGGER usage_document_produced AFTER INSERT ON document
WHEN NEW.provenance = 'local' AND NEW.integrated_at IS NOT NULL
BEGIN
    INSERT INTO usage_counter (finess_geo, type_code, type_label, month, indicator, n)
    SELECT coalesce((SELECT e.finess_geo FROM episode e WHERE e.id = NEW.episode_id), ''),
           NEW.type_code, NEW.type_label, substr(NEW.integrated_at, 1, 7), 'documents_produits', 1
    WHERE true
    ON CONFLICT (finess_geo, type_code, month, indicator) DO UPDATE SET n = usage_counter.n + excluded.n;
END;

-- A storing date rewritten (the demo's history): the count moves to the new month.
CREATE TRIGGER usage_document_restored AFTER UPDATE OF integrated_at ON document
WHEN NEW.provenance = 'local' AND OLD.provenance = 'local'
     AND OLD.integrated_at IS NOT NEW.integrated_at
     AND NOT EXISTS (SELECT 1 FROM received_document r WHERE r.document_id = NEW.id)
BEGIN
    INSERT INTO usage_counter (finess_geo, type_code, type_label, month, indicator, n)
    SELECT coalesce((SELECT e.finess_geo FROM episode e WHERE e.id = NEW.episode_id), ''),
           NEW.type_code, NEW.type_label, substr(OLD.integrated_at, 1, 7), 'documents_produits', -1
    WHERE OLD.integrated_at IS NOT NULL
    ON CONFLICT (finess_geo, type_code, month, indicator) DO UPDATE SET n = usage_counter.n + excluded.n;
    INSERT INTO usage_counter (finess_geo, type_code, type_label, month, indicator, n)
    SELECT coalesce((SELECT e.finess_geo FROM episode e WHERE e.id = NEW.episode_id), ''),
           NEW.type_code, NEW.type_label, substr(NEW.integrated_at, 1, 7), 'documents_produits', 1
    WHERE NEW.integrated_at IS NOT NULL
    ON CONFLICT (finess_geo, type_code, month, indicator) DO UPDATE SET n = usage_counter.n + excluded.n;
END;

-- Received (one row per document): counted by its time, filed automatically unless a person
-- filed it from the inbox; a `local` document received was not produced here.
CREATE TRIGGER usage_received AFTER INSERT ON received_document
BEGIN
    INSERT INTO usage_counter (finess_geo, type_code, type_label, month, indicator, n)
    SELECT coalesce(e.finess_geo, ''), d.type_code, d.type_label, substr(NEW.received_at, 1, 7),
           k.indicator, 1
    FROM document d
    LEFT JOIN episode e ON e.id = d.episode_id
    JOIN (SELECT 'recus' AS indicator
          UNION ALL
          SELECT CASE WHEN EXISTS (SELECT 1 FROM inbox_item i
                                   WHERE i.document_id = NEW.document_id AND i.status = 'filed')
                      THEN 'recus_rapproches_main' ELSE 'recus_integres_auto' END) k
    WHERE d.id = NEW.document_id
    ON CONFLICT (finess_geo, type_code, month, indicator) DO UPDATE SET n = usage_counter.n + excluded.n;
    INSERT INTO usage_counter (finess_geo, type_code, type_label, month, indicator, n)
    SELECT coalesce(e.finess_geo, ''), d.type_code, d.type_label, substr(d.integrated_at, 1, 7),
           'documents_produits', -1
    FROM document d
    LEFT JOIN episode e ON e.id = d.episode_id
    WHERE d.id = NEW.document_id AND d.provenance = 'local' AND d.integrated_at IS NOT NULL
    ON CONFLICT (finess_geo, type_code, month, indicator) DO UPDATE SET n = usage_counter.n + excluded.n;
END;

-- An inbox item filed by a person onto a document already counted as received automatically:
-- the count moves to "reconciled by hand" (the first such item only).
CREATE TRIGGER usage_inbox_filed AFTER INSERT ON inbox_item
WHEN NEW.status = 'filed' AND NEW.document_id IS NOT NULL
BEGIN
    INSERT INTO usage_counter (finess_geo, type_code, type_label, month, indicator, n)
    SELECT coalesce(e.finess_geo, ''), d.type_code, d.type_label, substr(r.received_at, 1, 7),
           k.indicator, k.n
    FROM received_document r
    JOIN document d ON d.id = r.document_id
    LEFT JOIN episode e ON e.id = d.episode_id
    JOIN (SELECT 'recus_integres_auto' AS indicator, -1 AS n
          UNION ALL SELECT 'recus_rapproches_main', 1) k
    WHERE r.document_id = NEW.document_id
      AND NOT EXISTS (SELECT 1 FROM inbox_item i WHERE i.document_id = NEW.document_id
                        AND i.status = 'filed' AND i.id < NEW.id)
    ON CONFLICT (finess_geo, type_code, month, indicator) DO UPDATE SET n = usage_counter.n + excluded.n;
END;

CREATE TRIGGER usage_inbox_decided AFTER UPDATE OF status, document_id ON inbox_item
WHEN NEW.status = 'filed' AND NEW.document_id IS NOT NULL
     AND NOT (OLD.status = 'filed' AND OLD.document_id IS NEW.document_id)
BEGIN
    INSERT INTO usage_counter (finess_geo, type_code, type_label, month, indicator, n)
    SELECT coalesce(e.finess_geo, ''), d.type_code, d.type_label, substr(r.received_at, 1, 7),
           k.indicator, k.n
    FROM received_document r
    JOIN document d ON d.id = r.document_id
    LEFT JOIN episode e ON e.id = d.episode_id
    JOIN (SELECT 'recus_integres_auto' AS indicator, -1 AS n
          UNION ALL SELECT 'recus_rapproches_main', 1) k
    WHERE r.document_id = NEW.document_id
      AND NOT EXISTS (SELECT 1 FROM inbox_item i WHERE i.document_id = NEW.document_id
                        AND i.status = 'filed' AND i.id <> NEW.id)
    ON CONFLICT (finess_geo, type_code, month, indicator) DO UPDATE SET n = usage_counter.n + excluded.n;
END;

-- A feed or replacement job (DMP) or a send (MSSanté) counted the first time it is sent or
-- acknowledged, by `sent_at`; a direct ITI-41 acknowledged at sending counts as acknowledged.
-- A job failing later (a negative receipt) is not un-counted; a retried one is not counted
-- again (its first `sent_at` stays).
CREATE TRIGGER usage_outbox_sent AFTER INSERT ON outbox_item
WHEN NEW.state IN ('sent', 'acknowledged') AND NEW.sent_at IS NOT NULL
     AND NEW.action IN ('feed', 'replace') AND NEW.channel IN ('dmp', 'mss')
BEGIN
    INSERT INTO usage_counter (finess_geo, type_code, type_label, month, indicator, n)
    SELECT coalesce(e.finess_geo, ''), d.type_code, d.type_label, substr(NEW.sent_at, 1, 7),
           k.indicator, 1
    FROM document d
    LEFT JOIN episode e ON e.id = d.episode_id
    JOIN (SELECT CASE NEW.channel WHEN 'dmp' THEN 'dmp_alimentes' ELSE 'mss_envoyes' END
                 AS indicator
          UNION ALL
          SELECT 'dmp_acquittes' WHERE NEW.channel = 'dmp' AND NEW.route = 'dmp'
                                   AND NEW.state = 'acknowledged') k
    WHERE d.id = NEW.document_id
    ON CONFLICT (finess_geo, type_code, month, indicator) DO UPDATE SET n = usage_counter.n + excluded.n;
END;

CREATE TRIGGER usage_outbox_state AFTER UPDATE OF state ON outbox_item
WHEN OLD.state NOT IN ('sent', 'acknowledged') AND OLD.sent_at IS NULL
     AND NEW.state IN ('sent', 'acknowledged') AND NEW.sent_at IS NOT NULL
     AND NEW.action IN ('feed', 'replace') AND NEW.channel IN ('dmp', 'mss')
BEGIN
    INSERT INTO usage_counter (finess_geo, type_code, type_label, month, indicator, n)
    SELECT coalesce(e.finess_geo, ''), d.type_code, d.type_label, substr(NEW.sent_at, 1, 7),
           k.indicator, 1
    FROM document d
    LEFT JOIN episode e ON e.id = d.episode_id
    JOIN (SELECT CASE NEW.channel WHEN 'dmp' THEN 'dmp_alimentes' ELSE 'mss_envoyes' END
                 AS indicator
          UNION ALL
          SELECT 'dmp_acquittes' WHERE NEW.channel = 'dmp' AND NEW.route = 'dmp'
                                   AND NEW.state = 'acknowledged') k
    WHERE d.id = NEW.document_id
    ON CONFLICT (finess_geo, type_code, month, indicator) DO UPDATE SET n = usage_counter.n + excluded.n;
END;

-- A job's first positive receipt of a kind (the lowest id: several written by one statement
-- all see one another in PostgreSQL), by its time: DMP filing (gateway), MSSanté delivery, read.
CREATE TRIGGER usage_outbox_receipt AFTER INSERT ON outbox_ack
WHEN NEW.ok = 1
BEGIN
    INSERT INTO usage_counter (finess_geo, type_code, type_label, month, indicator, n)
    SELECT coalesce(e.finess_geo, ''), d.type_code, d.type_label, substr(NEW.received_at, 1, 7),
           CASE NEW.kind WHEN 'dmp' THEN 'dmp_acquittes' WHEN 'mss' THEN 'mss_distribues'
                ELSE 'mss_lus' END, 1
    FROM outbox_item o
    JOIN document d ON d.id = o.document_id
    LEFT JOIN episode e ON e.id = d.episode_id
    WHERE o.id = NEW.item_id
      AND o.channel = CASE NEW.kind WHEN 'dmp' THEN 'dmp' ELSE 'mss' END
      AND NOT EXISTS (SELECT 1 FROM outbox_ack a WHERE a.item_id = NEW.item_id
                        AND a.kind = NEW.kind AND a.ok = 1 AND a.id < NEW.id)
    ON CONFLICT (finess_geo, type_code, month, indicator) DO UPDATE SET n = usage_counter.n + excluded.n;
END;
