-- The failed deployments of the window (rollback deployments left out, as in the change fail
-- rate), newest first, with why they failed and when service was restored.
SELECT h.id, h.service, h.environment, h.sha, d.url, h.finished_at,
       f.reasons, f.incidents, f.remediated_by, f.restored_at, f.recovery_seconds
FROM failures f JOIN histories h ON h.id = f.deployment_id JOIN deployments d ON d.id = h.id
WHERE in_window(h.finished_at) AND NOT h.rollback
ORDER BY h.finished_at DESC, h.id;
