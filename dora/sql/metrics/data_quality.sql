-- Data quality, over the records of the window (deployments by finished_at, incidents by
-- started_at): what the metrics could not see or had to correct.
--
-- Each kind of record is counted by group and period first, over the records that count (most do
-- not); the grouping sets then add up a few rows for each, where summing over millions of
-- records once for each set took seconds. They add the counts as DOUBLE: exact for any count
-- below 2^53, in any order, and half the cost of the 128-bit sums DuckDB makes of BIGINTs.
WITH facts AS (
    SELECT p.grp, p.period, count(*) AS without_commits, 0 AS negative, 0 AS unattributed,
           0 AS unresolved, 0 AS failed_attempts, 0 AS non_production, 0 AS no_record, 0 AS no_pr, 0 AS broken
    FROM prod p JOIN ranges r ON r.deployment_id = p.id WHERE NOT r.known
    GROUP BY p.grp, p.period
    UNION ALL
    SELECT grp, period, 0, count(*) FILTER (has_record AND NOT merge_commit AND negative), 0, 0, 0, 0,
           count(*) FILTER (NOT has_record), count(*) FILTER (has_record AND NOT merge_commit AND pr_number IS NULL), 0
    FROM changes WHERE (NOT has_record OR (NOT merge_commit AND (negative OR pr_number IS NULL)))
    GROUP BY grp, period
    UNION ALL
    SELECT grp, period, 0, 0, count(*) FILTER (deployment_id IS NULL), count(*) FILTER (resolved_at IS NULL), 0, 0, 0, 0,
           count(*) FILTER (caused_by IS NOT NULL AND deployment_id IS NULL)
    FROM incs_grouped
    GROUP BY grp, period
    UNION ALL
    SELECT grp, period, 0, 0, 0, 0, count(*) FILTER (production AND status IN ('failure', 'cancelled')),
           count(*) FILTER (NOT production), 0, 0, 0
    FROM deploys WHERE in_window AND NOT (production AND status = 'success')
    GROUP BY grp, period
)
SELECT GROUPING(grp, period) AS scope, grp, period,
       coalesce(sum(without_commits::DOUBLE), 0)::BIGINT, coalesce(sum(negative::DOUBLE), 0)::BIGINT, coalesce(sum(unattributed::DOUBLE), 0)::BIGINT,
       coalesce(sum(unresolved::DOUBLE), 0)::BIGINT, coalesce(sum(failed_attempts::DOUBLE), 0)::BIGINT, coalesce(sum(non_production::DOUBLE), 0)::BIGINT,
       coalesce(sum(no_record::DOUBLE), 0)::BIGINT, coalesce(sum(no_pr::DOUBLE), 0)::BIGINT, coalesce(sum(broken::DOUBLE), 0)::BIGINT
FROM facts
GROUP BY GROUPING SETS ((), (grp), (grp, period));
