-- Deployment rework rate = rework / deployments, where deployments are all successful production
-- deployments that finished in the window and rework those among them that were unplanned:
-- rollbacks, remediations (a revert or hotfix pull request shipped) and records marked unplanned.
SELECT GROUPING(p.grp, p.period) AS scope, p.grp, p.period,
       count(*) AS deployments,
       count(*) FILTER (WHERE p.rollback OR r.deployment_id IS NOT NULL) AS rework
FROM prod p LEFT JOIN remediations r ON r.deployment_id = p.id
GROUP BY GROUPING SETS ((), (p.grp), (p.grp, p.period));
