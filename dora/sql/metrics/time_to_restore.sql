-- Time to restore service (the pre-2023 "MTTR"): for the production incidents that started in the
-- window, resolved_at - started_at; unresolved ones are open and left out of the quantiles.
-- It includes incidents that no deployment caused.
SELECT scope, grp, period, n, open, q[1] AS median, q[2] AS p75, q[3] AS p90
FROM (
    SELECT GROUPING(grp, period) AS scope, grp, period,
           count(resolved_at) AS n,
           count(*) - count(resolved_at) AS open,
           quantile_cont(seconds_between(started_at, resolved_at), [0.5, 0.75, 0.9]) AS q
    FROM incs_grouped
    GROUP BY GROUPING SETS ((), (grp), (grp, period))
);
