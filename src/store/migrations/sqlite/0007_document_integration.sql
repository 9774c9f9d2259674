-- Who integrated a document received from outside (DMP, MSSanté, XDM) and for which unit,
-- beside the date already kept in integrated_at (DSR §3.2.2 b: provenance, date, type and the
-- unit of the person integrating).
ALTER TABLE document ADD COLUMN integrated_by TEXT;
ALTER TABLE document ADD COLUMN integrated_unit TEXT;
