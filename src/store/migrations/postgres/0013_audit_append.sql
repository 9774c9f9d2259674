-- One round trip per audit entry on the shared record. Every workstation's entries chain
-- through one advisory lock (decision 43); taken from the client, the lock was held across
-- four round trips (lock, last row, INSERT, COMMIT), and with 50 workstations opening folders
-- the wait for it was most of a folder opening (docs/benchmarks.md). This function does the
-- same steps inside the server: the lock (the key of `store::audit`, held to the end of the
-- transaction), the last row, the hash, the row. The hash is the one `store::audit::row_hash`
-- computes and `verify` checks: SHA-256 of the previous hash, then of each field (seq as
-- decimal text, at, actor, action, object kind, object id, detail) as its UTF-8 byte length
-- in 8 big-endian bytes followed by its bytes. The SQLite form of this step changes nothing.
CREATE FUNCTION chevet_audit_append(p_at TEXT, p_actor TEXT, p_action TEXT, p_kind TEXT,
                                    p_id TEXT, p_detail TEXT, p_origin TEXT)
RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
    prev BYTEA;
    next_seq BIGINT;
    fields TEXT[];
    field TEXT;
    message BYTEA;
BEGIN
    PERFORM pg_advisory_xact_lock(4848201235696975874);
    SELECT seq + 1, hash INTO next_seq, prev FROM audit ORDER BY seq DESC LIMIT 1;
    IF NOT FOUND THEN
        next_seq := 1;
        prev := decode(repeat('00', 32), 'hex');
    END IF;
    fields := ARRAY[next_seq::TEXT, p_at, p_actor, p_action, p_kind, p_id, p_detail];
    message := prev;
    FOREACH field IN ARRAY fields LOOP
        message := message || int8send(octet_length(convert_to(field, 'UTF8'))::BIGINT)
                           || convert_to(field, 'UTF8');
    END LOOP;
    INSERT INTO audit (seq, at, actor, action, object_kind, object_id, detail,
                       prev_hash, hash, origin_id)
    VALUES (next_seq, p_at, p_actor, p_action, p_kind, p_id, p_detail,
            prev, sha256(message), p_origin);
    RETURN next_seq;
END;
$$;
