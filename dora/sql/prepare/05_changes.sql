-- Changes and their lead times. A change is a commit shipped to production; it counts once per
-- service, at the first successful production deployment of that service (in any production
-- environment) that shipped it. Merge commits (more than one parent) are not changes. In a
-- monorepo a commit that names its service is a change of that service only.
--
-- Lead time = deployed_at - start, where start is the commit's authored time (or committed time
-- with lead_time_start = committed), except for a squash or rebase merge: a shipped commit that is
-- the merge_sha of a pull request whose own commits were not shipped starts at the pull request's
-- first_commit_at (else its earliest known commit). Negative lead times are clamped to 0.
--
-- Only the changes first deployed in the window are kept; the first deployment of each commit is
-- still taken over the whole history.
CREATE OR REPLACE TEMP TABLE changes AS
WITH firsts AS (
    -- the first deployment of each commit by each service
    SELECT p.service, s.repo, s.sha, min(p.ord) AS ord
    FROM shipped s JOIN prod p ON p.id = s.deployment_id
    GROUP BY ALL
), shipped_commits AS (
    -- each first shipment with the record of its commit, over the whole history
    SELECT f.service, f.repo, f.sha, p.id AS deployment_id, p.finished_at, p.in_window, p.grp, p.period,
           c.sha IS NOT NULL AS has_record, c.service AS commit_service,
           coalesce(len(c.parents) > 1, false) AS merge_commit, c.authored_at, c.committed_at, c.pull_request
    FROM firsts f JOIN prod p ON p.ord = f.ord
    LEFT JOIN commits c ON c.repo = f.repo AND c.sha = f.sha
), recs AS (
    SELECT repo, sha, service, deployment_id, finished_at AS deployed_at, grp, period,
           has_record, merge_commit, authored_at, committed_at, pull_request
    FROM shipped_commits
    WHERE in_window AND (commit_service IS NULL OR commit_service = service)
), candidates AS (
    -- pull requests merged as one of the window's changes
    SELECT r.service, r.repo, r.sha, pr.number, pr.first_commit_at
    FROM recs r JOIN pull_requests pr ON pr.repo = r.repo AND pr.merge_sha = r.sha
), own_shipped AS (
    -- those some of whose own commits (not their merge commit) were shipped, at any time
    SELECT DISTINCT q.service, q.repo, q.number
    FROM candidates q
    JOIN shipped_commits s ON s.service = q.service AND s.repo = q.repo AND s.pull_request = q.number AND s.sha <> q.sha
), squashed AS (
    SELECT q.service, q.repo, q.sha, min(q.number) AS number, min(q.first_commit_at) AS first_commit_at
    FROM candidates q ANTI JOIN own_shipped o ON o.service = q.service AND o.repo = q.repo AND o.number = q.number
    GROUP BY ALL
), pr_first AS (
    -- the earliest authored commit of squashed pull requests that lack first_commit_at
    SELECT c.repo, c.pull_request AS number, min(c.authored_at) AS first_commit_at
    FROM commits c SEMI JOIN squashed q ON q.repo = c.repo AND q.number = c.pull_request AND q.first_commit_at IS NULL
    GROUP BY ALL
), started AS (
    SELECT r.repo, r.sha, r.service, r.deployment_id, r.deployed_at, r.grp, r.period, r.has_record,
           r.merge_commit, coalesce(r.pull_request, q.number) AS pr_number,
           CASE
               WHEN q.sha IS NOT NULL AND coalesce(q.first_commit_at, pf.first_commit_at) IS NOT NULL
                   THEN coalesce(q.first_commit_at, pf.first_commit_at)
               WHEN getvariable('lead_time_start') = 'committed' THEN coalesce(r.committed_at, r.authored_at)
               ELSE r.authored_at
           END AS started_at
    FROM recs r
    LEFT JOIN squashed q ON q.service = r.service AND q.repo = r.repo AND q.sha = r.sha
    LEFT JOIN pr_first pf ON pf.repo = q.repo AND pf.number = q.number
)
SELECT *,
       true AS in_window,
       epoch(deployed_at) - epoch(started_at) < 0 AS negative,
       -- CASE, not greatest(): greatest() would turn an unknown start into 0
       CASE WHEN epoch(deployed_at) - epoch(started_at) < 0 THEN 0 ELSE epoch(deployed_at) - epoch(started_at) END AS lead_seconds
FROM started;
