-- Lead time broken into stages, per pull request whose changes were first deployed in the window:
-- coding (first commit -> PR opened), review (PR opened -> merged) and deploy (merged -> first
-- deployment of any of its changes). Each stage is clamped at 0 and needs both its ends.
WITH deployed AS (
    SELECT c.repo, c.pr_number AS number, min(c.deployed_at) AS deployed_at, min(c.started_at) AS first_change_at
    FROM changes c
    WHERE c.has_record AND NOT c.merge_commit AND c.pr_number IS NOT NULL
    GROUP BY ALL
), stages AS (
    SELECT seconds_between(coalesce(pr.first_commit_at, d.first_change_at), pr.created_at) AS coding,
           seconds_between(pr.created_at, pr.merged_at) AS review,
           seconds_between(pr.merged_at, d.deployed_at) AS deploy
    FROM deployed d JOIN pull_requests pr ON pr.repo = d.repo AND pr.number = d.number
), clamped AS (
    SELECT CASE WHEN coding < 0 THEN 0 ELSE coding END AS coding,
           CASE WHEN review < 0 THEN 0 ELSE review END AS review,
           CASE WHEN deploy < 0 THEN 0 ELSE deploy END AS deploy
    FROM stages
)
-- One quantile_cont of a list of quantiles sorts each stage once, where three sorted it thrice.
SELECT coding, c[1], c[2], c[3], review, r[1], r[2], r[3], deploy, d[1], d[2], d[3]
FROM (
    SELECT count(coding) AS coding, quantile_cont(coding, [0.5, 0.75, 0.9]) AS c,
           count(review) AS review, quantile_cont(review, [0.5, 0.75, 0.9]) AS r,
           count(deploy) AS deploy, quantile_cont(deploy, [0.5, 0.75, 0.9]) AS d
    FROM clamped
);
