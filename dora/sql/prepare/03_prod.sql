-- The successful production deployments, the only ones that count as deployments, each with its
-- place in the history of its service and environment (ordered by finished_at, then id), and
-- ord, its place in that order among all of them: "the earliest deployment" is then a min() of
-- an integer.
-- Rollback: with that history d1, d2, ..., dk is a rollback when its sha equals the sha of some
-- earlier d1..d(k-2) and differs from the sha of d(k-1). (An earlier equal sha at k-1 alone is a
-- redeploy, which the second condition already excludes.)
CREATE OR REPLACE TEMP TABLE prod AS
WITH ordered AS (
    SELECT *,
           row_number() OVER (PARTITION BY service, environment ORDER BY finished_at, id) AS seq,
           lag(id) OVER (PARTITION BY service, environment ORDER BY finished_at, id) AS prev_id,
           lag(sha) OVER (PARTITION BY service, environment ORDER BY finished_at, id) AS prev_sha
    FROM deploys
    WHERE production AND status = 'success' AND finished_at IS NOT NULL
)
SELECT *,
       row_number() OVER (ORDER BY finished_at, id) AS ord,
       prev_id IS NOT NULL
           AND sha IS DISTINCT FROM prev_sha
           AND min(seq) OVER (PARTITION BY service, environment, sha) < seq AS rollback
FROM ordered;
