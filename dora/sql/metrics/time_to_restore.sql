-- Time to restore service (the pre-2023 "MTTR"): for the production incidents that started in the
-- window, resolved_at - started_at; unresolved ones are open and left out of the quantiles.
-- It includes incidents that no deployment caused.
SELECT GROUPING(grp, period) AS scope, grp, period,
       count(resolved_at) AS n,
       count(*) - count(resolved_at) AS open,
       quantile_cont(epoch(resolved_at) - epoch(started_at), 0.5) AS median,
       quantile_cont(epoch(resolved_at) - epoch(started_at), 0.75) AS p75,
       quantile_cont(epoch(resolved_at) - epoch(started_at), 0.9) AS p90
FROM incs_grouped
WHERE in_window
GROUP BY GROUPING SETS ((), (grp), (grp, period));
