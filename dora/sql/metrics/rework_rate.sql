-- Deployment rework rate = rework / deployments, where deployments are all successful production
-- deployments that finished in the window and rework those among them that were unplanned:
-- rollbacks, remediations (a revert or hotfix pull request shipped) and records marked unplanned.
SELECT GROUPING(p.grp, p.period) AS scope, p.grp, p.period,
       count(*) AS deployments,
       count(*) FILTER (WHERE p.rollback OR r.remediation) AS rework
FROM prod p JOIN remediation r ON r.id = p.id
WHERE p.in_window
GROUP BY GROUPING SETS ((), (p.grp), (p.grp, p.period));
