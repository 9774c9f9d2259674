-- Professional identity of an account, needed to sign produced documents (and, later, for the
-- VIHF): the national id (idNat_PS, "8" + RPPS) already exists; add names, title, specialty.
ALTER TABLE account ADD COLUMN given_name TEXT;
ALTER TABLE account ADD COLUMN family_name TEXT;
ALTER TABLE account ADD COLUMN title TEXT;
ALTER TABLE account ADD COLUMN specialty_code TEXT;
ALTER TABLE account ADD COLUMN specialty_label TEXT;
