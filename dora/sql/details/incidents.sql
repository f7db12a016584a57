-- The production incidents that started in the window, oldest first, with the deployment each
-- was attributed to (prepare/07_attribution.sql).
SELECT id, svc, title, severity, url, started_at, resolved_at, deployment_id, how
FROM incs_grouped
WHERE in_window
ORDER BY started_at, id;
