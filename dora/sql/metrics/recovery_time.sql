-- Failed deployment recovery time: for each failed deployment of the window (rollback deployments
-- left out, as in the change fail rate), from its finished_at to the moment service was restored
-- (prepare/08_failures.sql), clamped at 0. Failed deployments not yet restored are open and left
-- out of the quantiles.
SELECT scope, grp, period, n, open, q[1] AS median, q[2] AS p75, q[3] AS p90
FROM (
    SELECT GROUPING(p.grp, p.period) AS scope, p.grp, p.period,
           count(f.restored_at) AS n,
           count(*) - count(f.restored_at) AS open,
           quantile_cont(f.recovery_seconds, [0.5, 0.75, 0.9]) AS q
    FROM failures f JOIN prod p ON p.ord = f.ord
    WHERE NOT p.rollback
    GROUP BY GROUPING SETS ((), (p.grp), (p.grp, p.period))
);
