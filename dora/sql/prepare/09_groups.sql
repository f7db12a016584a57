-- The incidents that started in the window, the only ones the metrics count by group, with the
-- group and series period of each (its service or team; for repo and environment, those of the
-- deployment it is attributed to); and the groups that appear in the window, with their keys.
-- incs_grouped keeps only what the metrics and details read of an incident.
CREATE OR REPLACE TEMP TABLE incs_grouped AS
SELECT i.id, i.svc, i.started_at, i.resolved_at, i.caused_by, a.deployment_id, a.how,
       group_name_of(i.svc, i.team, a.repo, coalesce(a.environment, i.environment, 'unknown')) AS group_name,
       group_key(group_name) AS grp, period_of(i.started_at) AS period
FROM incs i
LEFT JOIN attributed a ON a.incident_id = i.id
WHERE in_window(i.started_at);

-- place: the group's place in the order of names, which is the order of the results.
CREATE OR REPLACE TEMP TABLE group_keys AS
SELECT group_key(name) AS grp, name, row_number() OVER (ORDER BY name) AS place
FROM (
    SELECT group_name_of(service, team, repo, environment) AS name FROM deploys WHERE in_window
    UNION
    SELECT group_name FROM incs_grouped
    UNION
    SELECT 'all' WHERE getvariable('group_by') = ''
);

-- Two groups of one key would be counted as one: refuse to answer rather than merge them. (Among
-- the 10,000 groups of a large organisation, that happens with a chance of about 3 in 10^12.)
SELECT error('these groups share a key: ' || string_agg(name, ', ' ORDER BY name))
FROM group_keys
WHERE grp IN (SELECT grp FROM group_keys GROUP BY grp HAVING count(*) > 1)
HAVING count(*) > 0;
