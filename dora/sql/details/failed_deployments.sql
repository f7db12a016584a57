-- The failed deployments of the window (rollback deployments left out, as in the change fail
-- rate), newest first, with why they failed and when service was restored.
SELECT p.id, p.service, p.environment, p.sha, d.url, p.finished_at,
       f.reasons, f.incidents, f.remediated_by, f.restored_at, f.recovery_seconds
FROM failures f JOIN prod p ON p.id = f.deployment_id JOIN deployments d ON d.id = p.id
WHERE p.in_window AND NOT p.rollback
ORDER BY p.finished_at DESC, p.id;
