-- Deployment rework rate = rework / deployments, where deployments are all successful production
-- deployments that finished in the window and rework those among them that were unplanned:
-- rollbacks, remediations (a revert or hotfix pull request shipped) and records marked unplanned.
-- (IN, not a join: it looks the deployments up among the few remediations, where a join hashed the
-- million deployments, and took twice as long.)
SELECT GROUPING(grp, period) AS scope, grp, period,
       count(*) AS deployments,
       count(*) FILTER (WHERE rollback OR id IN (SELECT deployment_id FROM remediations)) AS rework
FROM prod
GROUP BY GROUPING SETS ((), (grp), (grp, period));
