-- The PostgreSQL form of this step appends an audit entry in one round trip, inside the
-- server. A single workstation's file has nothing to wait for: `store::audit` appends there
-- as before. Nothing changes here.
SELECT 1;
