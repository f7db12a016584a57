-- The production incidents that started in the window, oldest first, with the deployment each
-- was attributed to (prepare/07_attribution.sql).
SELECT g.id, g.svc, i.title, i.severity, i.url, g.started_at, g.resolved_at, g.deployment_id, g.how
FROM incs_grouped g JOIN incidents i ON i.id = g.id
ORDER BY g.started_at, g.id;
