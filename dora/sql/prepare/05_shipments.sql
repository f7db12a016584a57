-- What the later steps need of the shipped commits, which are many (ten for each deployment):
-- first_shipments for the changes and their lead times, remediations for the failures.
--
-- DB.Index stores both tables for the whole history (as index_first_shipments and
-- index_remediations, with the histories of 03_histories.sql and the ranges of 04_shipped.sql);
-- a query whose production environments and remediation patterns are the ones they were stored
-- for reads them from there instead of running those three files (analysis.go). They depend on
-- nothing but the records and those definitions.
--
-- The first shipment of each change: a commit shipped to production counts once per service, at
-- the first successful production deployment of that service (in any production environment)
-- that shipped it, taken over the whole history. Merge commits (more than one parent) are kept
-- here, marked, and left out of lead time. In a monorepo a commit that names its service is a
-- change of that service only.
--
-- A squash or rebase merge starts at its pull request's first commit: a shipped commit that is
-- the merge_sha of a pull request whose own commits were not shipped (at any time) starts at the
-- pull request's first_commit_at, else its earliest known commit (squash_started_at).
--
-- Only the shipments whose deployment finished in the window are kept.
CREATE OR REPLACE TEMP TABLE first_shipments AS
WITH firsts AS (
    -- the first deployment of each commit by each service
    SELECT h.service, s.repo, s.sha, min(h.ord) AS ord
    FROM shipped s JOIN histories h ON h.id = s.deployment_id
    GROUP BY ALL
), shipped_commits AS (
    -- each first shipment with the record of its commit, over the whole history
    SELECT f.service, f.repo, f.sha, f.ord, h.finished_at AS deployed_at, in_window(h.finished_at) AS in_window,
           c.sha IS NOT NULL AS has_record, c.service AS commit_service,
           coalesce(len(c.parents) > 1, false) AS merge_commit, c.authored_at, c.committed_at, c.pull_request
    FROM firsts f JOIN histories h ON h.ord = f.ord
    LEFT JOIN commits c ON c.repo = f.repo AND c.sha = f.sha
), recs AS (
    SELECT * FROM shipped_commits
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
)
SELECT r.ord, r.deployed_at, r.service, r.repo, r.sha, r.has_record, r.merge_commit, r.authored_at, r.committed_at,
       coalesce(r.pull_request, q.number) AS pr_number,
       CASE WHEN q.sha IS NOT NULL THEN coalesce(q.first_commit_at, pf.first_commit_at) END AS squash_started_at
FROM recs r
LEFT JOIN squashed q ON q.service = r.service AND q.repo = r.repo AND q.sha = r.sha
LEFT JOIN pr_first pf ON pf.repo = q.repo AND pf.number = q.number;

-- The remediations: successful production deployments marked unplanned, or shipping the merge
-- commit of a pull request recognised as a revert or hotfix by its labels or the start of its
-- title (remediation_labels, remediation_prefixes), unless that commit is marked as another
-- service's (monorepos: a fix of another service is not this one's remediation).
CREATE OR REPLACE TEMP TABLE remediations AS
SELECT id AS deployment_id FROM histories WHERE unplanned
UNION
SELECT s.deployment_id
FROM shipped s
JOIN pull_requests pr ON pr.repo = s.repo AND pr.merge_sha = s.sha
JOIN histories h ON h.id = s.deployment_id
LEFT JOIN commits c ON c.repo = s.repo AND c.sha = s.sha
WHERE (c.service IS NULL OR c.service = h.service)
  AND (list_has_any(list_transform(coalesce(pr.labels, []), lambda l: lower(l)), getvariable('remediation_labels'))
       OR list_bool_or(list_transform(getvariable('remediation_prefixes'), lambda x: starts_with(lower(coalesce(pr.title, '')), x))));
