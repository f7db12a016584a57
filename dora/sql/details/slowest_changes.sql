-- The changes of the window with the longest lead time, slowest first, with their pull request.
-- The twenty are chosen before they meet the pull requests: joining every change of the window
-- with them first took three times as long at a million deployments.
WITH slowest AS (
    SELECT c.service, c.repo, c.sha, c.deployment_id, c.deployed_at, c.started_at, c.lead_seconds, c.pr_number
    FROM changes c
    WHERE c.has_record AND NOT c.merge_commit
    ORDER BY c.lead_seconds DESC, c.repo, c.sha, c.service
    LIMIT 20
)
SELECT s.*, pr.title, pr.url
FROM slowest s LEFT JOIN pull_requests pr ON pr.repo = s.repo AND pr.number = s.pr_number
ORDER BY s.lead_seconds DESC, s.repo, s.sha, s.service;
