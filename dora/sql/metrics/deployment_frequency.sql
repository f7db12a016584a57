-- Deployment frequency: the successful production deployments that finished in the window and the
-- distinct calendar days (report time zone) they fell on. per_day = deployments / window length
-- in days and per_week = per_day * 7 are derived from these counts in Go.
--
-- The deployments of each group, period and day are counted first: the grouping sets then read a
-- row for each day a group deployed, rather than one for each deployment. A day falls in one
-- period, so those rows are the distinct days of their group and of their group's period, and
-- only the overall count, where the groups share days, needs DISTINCT (which cost three times as
-- much done for every grouping set).
WITH days AS (
    SELECT grp, period, day, count(*) AS deployments
    FROM prod
    GROUP BY grp, period, day
)
SELECT GROUPING(grp, period) AS scope, grp, period,
       sum(deployments)::BIGINT AS deployments,
       count(*) AS deploy_days
FROM days
GROUP BY GROUPING SETS ((grp), (grp, period))
UNION ALL
SELECT 3, NULL, NULL, count(*), count(DISTINCT day)
FROM prod;
