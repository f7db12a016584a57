-- Incidents and the deployment each is attributed to. Incidents of a non-production environment
-- are left out; an incident with no environment is taken to be production.
-- 1. An incident with an explicit caused_by is attributed to that deployment (by id; failing
--    that, by sha, full or abbreviated to at least 7 hex digits: the latest deployment of that
--    sha that finished before the incident started, else the earliest). A caused_by that names
--    no deployment leaves it unattributed.
-- 2. Otherwise to the latest successful production deployment of the same service that finished
--    before the incident started and no more than incident_window before it.
-- Incidents that match nothing are unattributed: they count for time to restore, never for the
-- change fail rate.
--
-- incs keeps what the metrics need of an incident; its title, severity and link are read from
-- the record by the one detail that shows them (copying them took most of this step). Neither
-- this step nor 08_failures.sql depends on the grouping or the series interval (see
-- groupingSteps in analysis.go): the period of an incident is taken in 09_groups.sql.
CREATE OR REPLACE TEMP TABLE incs AS
SELECT i.id, i.service, i.environment, i.started_at, i.resolved_at, i.caused_by,
       coalesce(i.service, 'unknown') AS svc, s.team
FROM incidents i LEFT JOIN services s ON s.name = i.service
WHERE i.environment IS NULL OR list_contains(getvariable('prod_envs'), i.environment);

-- span_of(ts): the span of incident_window (at least a second) that the instant ts falls in.
CREATE OR REPLACE TEMP MACRO span_of(ts) AS
    epoch_us(ts) // (greatest(getvariable('incident_window_seconds'), 1)::BIGINT * 1000000);

CREATE OR REPLACE TEMP TABLE attributed AS
WITH by_id AS (
    SELECT i.id AS incident_id, h.id AS deployment_id
    FROM incs i JOIN histories h ON h.id = i.caused_by
), by_sha AS (
    SELECT i.id AS incident_id, h.id AS deployment_id
    FROM incs i JOIN histories h
        -- equal first seven characters keep this a hash join; the sha then matches in full or as
        -- an abbreviation (an OR alone would compare every incident with every deployment)
        ON left(h.sha, 7) = left(i.caused_by, 7)
       AND (h.sha = i.caused_by
            OR (length(i.caused_by) >= 7 AND regexp_full_match(i.caused_by, '[0-9a-f]+') AND starts_with(h.sha, i.caused_by)))
       AND (i.service IS NULL OR h.service = i.service)
    WHERE i.caused_by IS NOT NULL AND i.id NOT IN (SELECT incident_id FROM by_id)
    QUALIFY row_number() OVER (
        PARTITION BY i.id
        ORDER BY h.finished_at < i.started_at DESC,
                 CASE WHEN h.finished_at < i.started_at THEN -epoch(h.finished_at) ELSE epoch(h.finished_at) END,
                 h.id) = 1
), by_window AS (
    -- the latest deployment of the incident's service in the incident_window before it. Time is
    -- cut into spans of that length: such a deployment finished in the incident's span or the
    -- one before, so a hash join on service and span finds the few candidates of each incident.
    -- (Ordering every deployment with the incidents in one window pass took nearly twice as long,
    -- and an ASOF join is planned as a nested loop for this shape.)
    -- Only incidents from the window's start to incident_window after its end can be the
    -- window's or fail its deployments, and only deployments from incident_window before its
    -- start can be blamed for those: a week's report need not read years of history.
    SELECT i.id AS incident_id, h.id AS deployment_id
    FROM (
        SELECT id, service, started_at, unnest([span_of(started_at), span_of(started_at) - 1]) AS span
        FROM incs
        WHERE caused_by IS NULL AND service IS NOT NULL
          AND started_at >= getvariable('since')
          AND started_at <= getvariable('until') + to_seconds(getvariable('incident_window_seconds'))
    ) i
    JOIN (
        SELECT id, service, finished_at, span_of(finished_at) AS span
        FROM histories
        WHERE finished_at >= getvariable('since') - to_seconds(getvariable('incident_window_seconds'))
          AND finished_at < getvariable('until') + to_seconds(getvariable('incident_window_seconds'))
    ) h ON h.service = i.service AND h.span = i.span
    WHERE h.finished_at < i.started_at
      AND seconds_between(h.finished_at, i.started_at) <= getvariable('incident_window_seconds')
    QUALIFY row_number() OVER (PARTITION BY i.id ORDER BY h.finished_at DESC, h.id DESC) = 1
), attributions AS (
    SELECT incident_id, deployment_id, 'caused_by' AS how FROM by_id
    UNION ALL SELECT incident_id, deployment_id, 'caused_by' FROM by_sha
    UNION ALL SELECT incident_id, deployment_id, 'window' FROM by_window
)
-- With the repo and environment of the deployment, which are the incident's when grouping by them
-- (09_groups.sql): looked up once here, and not again for each grouping.
SELECT a.incident_id, a.deployment_id, a.how, h.repo, h.environment
FROM attributions a JOIN histories h ON h.id = a.deployment_id;
