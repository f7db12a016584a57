-- The history of each service and environment: its successful production deployments, the only
-- ones that count as deployments, ordered by finished_at, then id. Each gets its place in that
-- history (seq), the one before it, and ord, its place in that order among all of them: "the
-- earliest deployment" is then a min() of an integer.
-- Rollback: with that history d1, d2, ..., dk is a rollback when its sha equals the sha of some
-- earlier d1..d(k-2) and differs from the sha of d(k-1). (An earlier equal sha at k-1 alone is a
-- redeploy, which the second condition already excludes.)
--
-- Each deployment of a history carries what the query needs of its record, so that 03_prod.sql
-- reads the histories alone. They depend on the records and the production classification only:
-- DB.Index stores them with the shipments (analysis.go), which refer to deployments by ord.
CREATE OR REPLACE TEMP TABLE histories AS
WITH ordered AS (
    SELECT id, service, team, environment, repo, sha, finished_at, commits_known, unplanned,
           row_number() OVER w AS seq, lag(id) OVER w AS prev_id, lag(sha) OVER w AS prev_sha
    FROM deploys
    WHERE production AND status = 'success' AND finished_at IS NOT NULL
    WINDOW w AS (PARTITION BY service, environment ORDER BY finished_at, id)
)
SELECT id, service, team, environment, repo, sha, finished_at, commits_known, unplanned, seq, prev_id, prev_sha,
       row_number() OVER (ORDER BY finished_at, id) AS ord,
       prev_id IS NOT NULL
           AND sha IS DISTINCT FROM prev_sha
           AND min(seq) OVER (PARTITION BY service, environment, sha) < seq AS rollback
FROM ordered;
