-- Data quality, over the records of the window (deployments by finished_at, incidents by
-- started_at): what the metrics could not see or had to correct.
WITH facts AS (
    SELECT p.grp, p.period, (NOT r.known)::INT AS without_commits, 0 AS negative, 0 AS unattributed,
           0 AS unresolved, 0 AS failed_attempts, 0 AS non_production, 0 AS no_record, 0 AS no_pr, 0 AS broken
    FROM prod p JOIN ranges r ON r.deployment_id = p.id WHERE p.in_window
    UNION ALL
    SELECT grp, period, 0, (has_record AND NOT merge_commit AND negative)::INT, 0, 0, 0, 0,
           (NOT has_record)::INT, (has_record AND NOT merge_commit AND pr_number IS NULL)::INT, 0
    FROM changes WHERE in_window
    UNION ALL
    SELECT grp, period, 0, 0, (deployment_id IS NULL)::INT, (resolved_at IS NULL)::INT, 0, 0, 0, 0,
           (caused_by IS NOT NULL AND deployment_id IS NULL)::INT
    FROM incs_grouped WHERE in_window
    UNION ALL
    SELECT grp, period, 0, 0, 0, 0, (production AND status IN ('failure', 'cancelled'))::INT, (NOT production)::INT, 0, 0, 0
    FROM deploys WHERE in_window
)
SELECT GROUPING(grp, period) AS scope, grp, period,
       coalesce(sum(without_commits), 0)::BIGINT, coalesce(sum(negative), 0)::BIGINT, coalesce(sum(unattributed), 0)::BIGINT,
       coalesce(sum(unresolved), 0)::BIGINT, coalesce(sum(failed_attempts), 0)::BIGINT, coalesce(sum(non_production), 0)::BIGINT,
       coalesce(sum(no_record), 0)::BIGINT, coalesce(sum(no_pr), 0)::BIGINT, coalesce(sum(broken), 0)::BIGINT
FROM facts
GROUP BY GROUPING SETS ((), (grp), (grp, period));
