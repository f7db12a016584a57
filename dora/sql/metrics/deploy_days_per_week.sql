-- The figure the deployment frequency level is taken from: the median, over the ISO weeks of the
-- window (weeks without a deployment count as 0; a partial first or last week counts as a week),
-- of the number of days in that week with at least one successful production deployment. For a
-- series period the weeks are those that meet the period, counting only the period's days.
WITH active AS (
    SELECT DISTINCT p.grp, c.day, c.week, c.period
    FROM prod p JOIN calendar c ON c.day = p.day
), overall AS (
    SELECT w.week, count(DISTINCT a.day) AS days
    FROM (SELECT DISTINCT week FROM calendar) w
    LEFT JOIN active a ON a.week = w.week
    GROUP BY w.week
), per_group AS (
    SELECT k.grp, w.week, count(a.day) AS days
    FROM group_keys k CROSS JOIN (SELECT DISTINCT week FROM calendar) w
    LEFT JOIN active a ON a.grp = k.grp AND a.week = w.week
    GROUP BY k.grp, w.week
), per_period AS (
    SELECT k.grp, c.period, c.week, count(a.day) AS days
    FROM group_keys k CROSS JOIN (SELECT DISTINCT period, week FROM calendar WHERE period IS NOT NULL) c
    LEFT JOIN active a ON a.grp = k.grp AND a.week = c.week AND a.period = c.period
    GROUP BY k.grp, c.period, c.week
)
SELECT 3 AS scope, NULL AS grp, NULL::DATE AS period, quantile_cont(days, 0.5) AS median, count(*) AS weeks FROM overall
UNION ALL
SELECT 1, grp, NULL, quantile_cont(days, 0.5), count(*) FROM per_group GROUP BY grp
UNION ALL
SELECT 0, grp, period, quantile_cont(days, 0.5), count(*) FROM per_period GROUP BY grp, period;
