-- Patient search on a large single-workstation file (docs/benchmarks.md, "Patient search"): a
-- birth date typed in the search box. The IPP and the first digits of an INS use the existing
-- unique indexes, the query being a range (`store::patients::search`).
CREATE INDEX patient_birth_date ON patient (birth_date);
