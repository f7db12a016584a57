-- Change lead time: for each change whose first production deployment finished in the window
-- (see prepare/06_changes.sql for start times, squash merges and clamping), continuous quantiles
-- and the mean of the lead time in seconds. Shipped shas without a commit record have no lead time.
-- One quantile_cont of a list of quantiles sorts each group once, where three would sort it thrice.
-- The mean sums the lead times in whole microseconds, the timestamps' precision: that sum is exact,
-- where a sum of floating-point numbers depends on the order of its terms, which a parallel sum
-- does not fix (its last digits changed from run to run at a million deployments).
SELECT scope, grp, period, n, q[1] AS median, q[2] AS p75, q[3] AS p90, mean
FROM (
    SELECT GROUPING(grp, period) AS scope, grp, period,
           count(*) AS n,
           quantile_cont(lead_seconds, [0.5, 0.75, 0.9]) AS q,
           avg(round(lead_seconds * 1000000)::BIGINT) / 1000000 AS mean
    FROM changes
    WHERE has_record AND NOT merge_commit
    GROUP BY GROUPING SETS ((), (grp), (grp, period))
);
