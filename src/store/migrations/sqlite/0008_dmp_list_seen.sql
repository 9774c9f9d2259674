-- When each folder's DMP list was last shown: one reference event the count of new DMP
-- documents may be measured from (setting dmp.count_since = seen-list).
CREATE TABLE dmp_list_seen (
    patient_id  INTEGER PRIMARY KEY REFERENCES patient (id) ON DELETE CASCADE,
    seen_at     TEXT NOT NULL
);
