-- Change lead time: for each change whose first production deployment finished in the window
-- (see prepare/05_changes.sql for start times, squash merges and clamping), continuous quantiles
-- and the mean of the lead time in seconds. Shipped shas without a commit record have no lead time.
SELECT GROUPING(grp, period) AS scope, grp, period,
       count(*) AS n,
       quantile_cont(lead_seconds, 0.5) AS median,
       quantile_cont(lead_seconds, 0.75) AS p75,
       quantile_cont(lead_seconds, 0.9) AS p90,
       avg(lead_seconds) AS mean
FROM changes
WHERE in_window AND has_record AND NOT merge_commit
GROUP BY GROUPING SETS ((), (grp), (grp, period));
