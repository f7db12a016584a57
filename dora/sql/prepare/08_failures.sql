-- Failed deployments and their recovery. A successful production deployment failed when it
-- required immediate intervention:
-- 1. an incident is attributed to it;
-- 2. it was rolled back: the next deployment of its service and environment is a rollback;
-- 3. it was remediated: the next deployment is a remediation (05_shipments.sql).
-- A deployment with several reasons or incidents fails once. Service is restored at the latest
-- resolved_at of its attributed incidents when it has any (open while any is unresolved), else at
-- the finished_at of the deployment that remediated it.
--
-- Only the failures of the window's deployments are read, so only rollbacks and remediations
-- from the window's start on are looked at (one may come after its end).
CREATE OR REPLACE TEMP TABLE failures AS
WITH reasons AS (
    SELECT h.prev_id AS deployment_id, CASE WHEN h.rollback THEN 'rollback' ELSE 'remediation' END AS reason,
           h.id AS remediated_by, h.finished_at AS remediated_at
    FROM histories h
    WHERE h.prev_id IS NOT NULL AND (h.rollback OR h.id IN (SELECT deployment_id FROM remediations))
      AND h.finished_at >= getvariable('since')
    UNION ALL
    SELECT a.deployment_id, 'incident', NULL, NULL FROM attributed a
), incident_restore AS (
    SELECT a.deployment_id, list(a.incident_id ORDER BY a.incident_id) AS incidents,
           CASE WHEN bool_and(i.resolved_at IS NOT NULL) THEN max(i.resolved_at) END AS restored_at
    FROM attributed a JOIN incs i ON i.id = a.incident_id
    GROUP BY a.deployment_id
), grouped AS (
    SELECT deployment_id, list(DISTINCT reason ORDER BY reason) AS reasons,
           min(remediated_by) AS remediated_by, min(remediated_at) AS remediated_at
    FROM reasons GROUP BY deployment_id
), restored AS (
    SELECT g.deployment_id, h.ord, g.reasons, coalesce(ir.incidents, []) AS incidents, g.remediated_by,
           CASE WHEN ir.deployment_id IS NOT NULL THEN ir.restored_at ELSE g.remediated_at END AS restored_at,
           h.finished_at
    FROM grouped g JOIN histories h ON h.id = g.deployment_id
    LEFT JOIN incident_restore ir ON ir.deployment_id = g.deployment_id
)
-- Recovery is clamped at 0 and NULL while open (a CASE, since greatest() would turn NULL into 0).
SELECT *,
       CASE WHEN restored_at < finished_at THEN 0 ELSE seconds_between(finished_at, restored_at) END AS recovery_seconds
FROM restored;
