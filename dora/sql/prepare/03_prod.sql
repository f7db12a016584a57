-- The successful production deployments with their histories (03_histories.sql) and what the
-- query needs of them (window, group, period).
CREATE OR REPLACE TEMP TABLE prod AS
SELECT d.*, h.seq, h.prev_id, h.prev_sha, h.ord, h.rollback
FROM deploys d JOIN histories h ON h.id = d.id;
