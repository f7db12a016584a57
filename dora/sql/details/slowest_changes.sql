-- The changes of the window with the longest lead time, slowest first, with their pull request.
SELECT c.service, c.repo, c.sha, c.deployment_id, c.deployed_at, c.started_at, c.lead_seconds,
       c.pr_number, pr.title, pr.url
FROM changes c LEFT JOIN pull_requests pr ON pr.repo = c.repo AND pr.number = c.pr_number
WHERE c.has_record AND NOT c.merge_commit
ORDER BY c.lead_seconds DESC, c.repo, c.sha
LIMIT 20;
