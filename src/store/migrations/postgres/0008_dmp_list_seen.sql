-- PostgreSQL form of step 8 (sqlite/0008_dmp_list_seen.sql). Differs only in type: patient_id
-- is a plain BIGINT primary key, not an identity (it is always given: a patient's id).
-- When each folder's DMP list was last shown: one reference event the count of new DMP
-- documents may be measured from (setting dmp.count_since = seen-list).
CREATE TABLE dmp_list_seen (
    patient_id  BIGINT PRIMARY KEY REFERENCES patient (id) ON DELETE CASCADE,
    seen_at     TEXT NOT NULL
);
