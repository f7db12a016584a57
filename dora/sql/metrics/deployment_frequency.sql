-- Deployment frequency: the successful production deployments that finished in the window and the
-- distinct calendar days (report time zone) they fell on. per_day = deployments / window length
-- in days and per_week = per_day * 7 are derived from these counts in Go.
SELECT GROUPING(grp, period) AS scope, grp, period,
       count(*) AS deployments,
       count(DISTINCT day) AS deploy_days
FROM prod
WHERE in_window
GROUP BY GROUPING SETS ((), (grp), (grp, period));
