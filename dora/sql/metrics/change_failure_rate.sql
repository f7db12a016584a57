-- Change fail rate = failed / deployments over the successful production deployments that
-- finished in the window, both counts leaving out rollback deployments (a rollback is
-- remediation, not a change). A deployment fails once, whatever its number of reasons
-- (prepare/08_failures.sql).
SELECT GROUPING(p.grp, p.period) AS scope, p.grp, p.period,
       count(*) AS deployments,
       count(f.deployment_id) AS failed
FROM prod p LEFT JOIN failures f ON f.ord = p.ord
WHERE NOT p.rollback
GROUP BY GROUPING SETS ((), (p.grp), (p.grp, p.period));
