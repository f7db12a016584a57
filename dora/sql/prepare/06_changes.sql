-- Changes and their lead times: the first shipments (05_shipments.sql) whose deployment
-- finished in the window, with the group and period of that deployment.
--
-- Lead time = deployed_at - start, where start is the commit's authored time (or committed time
-- with lead_time_start = committed), except for a squash or rebase merge, which starts at its pull
-- request's first commit. Negative lead times are clamped to 0 and counted.
--
-- A view: each reader projects the few columns it needs, which costs less than storing them all.
-- Everything but the group and period is computed from the first shipment alone, before the join,
-- so that a filter on it (data quality counts only a few changes) applies before the join too.
CREATE OR REPLACE TEMP VIEW changes AS
WITH started AS (
    SELECT f.ord, f.repo, f.sha, f.service, f.deployed_at, f.has_record, f.merge_commit, f.pr_number,
           coalesce(f.squash_started_at,
                    CASE WHEN getvariable('lead_time_start') = 'committed' THEN coalesce(f.committed_at, f.authored_at)
                         ELSE f.authored_at END) AS started_at
    FROM first_shipments f
), timed AS (
    SELECT *,
           -- compared as timestamps, not as seconds: the same order, and data quality tests it on
           -- every first shipment
           deployed_at < started_at AS negative,
           -- CASE, not greatest(): greatest() would turn an unknown start into 0
           CASE WHEN deployed_at < started_at THEN 0 ELSE seconds_between(started_at, deployed_at) END AS lead_seconds
    FROM started
)
SELECT t.repo, t.sha, t.service, p.id AS deployment_id, t.deployed_at, p.grp, p.period,
       t.has_record, t.merge_commit, t.pr_number, t.started_at, t.negative, t.lead_seconds
FROM timed t JOIN prod p ON p.ord = t.ord;
