-- Patient search at the scale of an establishment (docs/benchmarks.md, "Patient search").
-- A name is searched as `search_key LIKE '% WORD%'`, which no B-tree serves: a trigram GIN
-- index does. pg_trgm is a trusted extension (PostgreSQL 13 and later): the database's owner,
-- who migrates, creates it without being superuser. It goes to `public`, once per database,
-- so that every schema of the database finds its operator class.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE INDEX patient_search_trgm ON patient USING gin (search_key public.gin_trgm_ops);
-- A birth date typed in the search box.
CREATE INDEX patient_birth_date ON patient (birth_date);
-- The first digits of an INS (`LIKE 'digits%'`), whatever the database's collation.
CREATE INDEX patient_ins_prefix ON patient (ins_matricule text_pattern_ops);
