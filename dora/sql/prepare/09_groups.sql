-- The group key of each incident (its service or team; for repo and environment, those of the
-- deployment it is attributed to) and the set of group keys that appear in the window.
CREATE OR REPLACE TEMP TABLE incs_grouped AS
SELECT i.*, a.deployment_id, a.how,
       group_of(i.svc, i.team, h.repo, coalesce(h.environment, i.environment, 'unknown')) AS grp
FROM incs i
LEFT JOIN attributed a ON a.incident_id = i.id
LEFT JOIN histories h ON h.id = a.deployment_id;

CREATE OR REPLACE TEMP TABLE group_keys AS
SELECT grp FROM deploys WHERE in_window
UNION
SELECT grp FROM incs_grouped WHERE in_window
UNION
SELECT 'all' WHERE getvariable('group_by') = '';
