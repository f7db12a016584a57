-- Which commits each successful production deployment shipped:
-- 1. the commits its source listed (a compare range, or an explicit `commits` list); else
-- 2. the commits reachable from its sha and not from the previous successful deployment's sha of
--    the same service and environment, when the commit graph of both shas is known. That set is
--    read from commit_ranges when DB.Index stored it, else computed in Go (graph.go: git's
--    paint-down with generation numbers, whose cost grows with the range rather than with the
--    history) for the deployments listed in graph_missing and appended to graph_shipped.
-- The first deployment of a history has no predecessor and ships only what was listed, never
-- "all history". `ranges` records whose range is known, for data quality; DB.Index stores it
-- with the tables of 05_shipments.sql.
--
-- shipped is a view: its rows (ten for each deployment) cost more to store than to read again
-- by the step that needs them (05_shipments.sql).
CREATE OR REPLACE TEMP TABLE graph_needed AS
SELECT h.id, h.repo, h.sha, h.prev_sha
FROM histories h
WHERE NOT h.commits_known AND h.prev_sha IS NOT NULL AND h.repo IS NOT NULL
  AND EXISTS (SELECT 1 FROM commits c WHERE c.repo = h.repo AND c.sha = h.sha AND c.parents IS NOT NULL)
  AND EXISTS (SELECT 1 FROM commits c WHERE c.repo = h.repo AND c.sha = h.prev_sha AND c.parents IS NOT NULL);

CREATE OR REPLACE TEMP TABLE graph_shipped (deployment_id VARCHAR, repo VARCHAR, sha VARCHAR);

CREATE OR REPLACE TEMP VIEW shipped AS
SELECT d.id AS deployment_id, d.repo, unnest(d.commits) AS sha
FROM deployments d SEMI JOIN histories h ON h.id = d.id
WHERE d.commits_listed
UNION ALL
SELECT g.id, g.repo, unnest(r.shas)
FROM graph_needed g JOIN commit_ranges r ON r.repo = g.repo AND r.from_sha = g.prev_sha AND r.to_sha = g.sha
UNION ALL
SELECT * FROM graph_shipped;

CREATE OR REPLACE TEMP TABLE graph_missing AS
SELECT g.*
FROM graph_needed g ANTI JOIN commit_ranges r ON r.repo = g.repo AND r.from_sha = g.prev_sha AND r.to_sha = g.sha;

CREATE OR REPLACE TEMP TABLE ranges AS
SELECT h.id AS deployment_id,
       h.commits_known OR h.id IN (SELECT id FROM graph_needed) AS known
FROM histories h;
