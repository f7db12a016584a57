-- Every deployment record with the service and team it belongs to and whether it went to
-- production. The service is the record's own, else the one service that lists its repository,
-- else the repository itself ("a repository not listed under any service is its own service").
-- An environment is production when its name matches production_environments (classified by
-- the caller into the list prod_envs) or when the source marked it with the production tier.
--
-- A view: its readers (03_histories.sql, data quality, the group keys) each take a part of it, and
-- storing two million wide rows cost more than reading them again.
CREATE OR REPLACE TEMP VIEW deploys AS
WITH owner AS (
    SELECT repo, any_value(name) AS service
    FROM (SELECT unnest(repos) AS repo, name FROM services)
    GROUP BY repo
    HAVING count(*) = 1
), resolved AS (
    -- the commit lists stay in deployments: reading them is the most expensive thing here
    SELECT d.id, d.service, d.environment, d.tier, d.status, d.sha, d.repo, d.finished_at,
           d.commits_listed AS commits_known, d.unplanned,
           coalesce(d.service, o.service, d.repo, 'unknown') AS svc
    FROM deployments d LEFT JOIN owner o ON o.repo = d.repo
)
SELECT r.id, r.svc AS service, s.team, r.environment, r.repo, r.sha, r.status, r.finished_at,
       r.commits_known, r.unplanned,
       coalesce(r.tier = 'production', false) OR list_contains(getvariable('prod_envs'), r.environment) AS production,
       in_window(r.finished_at) AS in_window,
       local_time(r.finished_at)::DATE AS day,
       group_of(r.svc, s.team, r.repo, r.environment) AS grp,
       period_of(r.finished_at) AS period
FROM resolved r LEFT JOIN services s ON s.name = r.svc;
