-- Live updates between workstations (establishment mode): every change to a folder's patient,
-- episodes, documents or DMP information/opposition notifies the channel chevet_record, in
-- the writer's transaction (delivered at commit, never for a rolled-back write). The payload
-- names local row ids only, never an identity: the schema (several records may share a
-- database), the table and the patient's id. Workstations LISTEN and refresh the folder on
-- screen. The SQLite form of this step changes nothing.
CREATE FUNCTION chevet_record_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    patient BIGINT;
BEGIN
    IF TG_TABLE_NAME = 'patient' THEN
        patient := NEW.id;
    ELSIF TG_TABLE_NAME = 'dmp_consent' THEN
        SELECT e.patient_id INTO patient FROM episode e WHERE e.id = NEW.episode_id;
    ELSE
        patient := NEW.patient_id;
    END IF;
    PERFORM pg_notify('chevet_record',
        json_build_object('schema', TG_TABLE_SCHEMA, 'table', TG_TABLE_NAME,
                          'patient', patient)::text);
    RETURN NULL;
END;
$$;
CREATE TRIGGER patient_notify AFTER INSERT OR UPDATE ON patient
    FOR EACH ROW EXECUTE FUNCTION chevet_record_notify();
CREATE TRIGGER episode_notify AFTER INSERT OR UPDATE ON episode
    FOR EACH ROW EXECUTE FUNCTION chevet_record_notify();
CREATE TRIGGER document_notify AFTER INSERT OR UPDATE ON document
    FOR EACH ROW EXECUTE FUNCTION chevet_record_notify();
CREATE TRIGGER dmp_consent_notify AFTER INSERT ON dmp_consent
    FOR EACH ROW EXECUTE FUNCTION chevet_record_notify();
