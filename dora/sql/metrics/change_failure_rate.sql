-- Change fail rate = failed / deployments over the successful production deployments that
-- finished in the window, both counts leaving out rollback deployments (a rollback is
-- remediation, not a change). A deployment fails once, whatever its number of reasons
-- (prepare/08_failures.sql).
SELECT GROUPING(grp, period) AS scope, grp, period,
       count(*) AS deployments,
       count(*) FILTER (WHERE ord IN (SELECT ord FROM failures)) AS failed
FROM prod
WHERE NOT rollback
GROUP BY GROUPING SETS ((), (grp), (grp, period));
