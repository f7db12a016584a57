-- local_time(ts) reads the instant ts on the clocks of the report's time zone. UTC's clocks read
-- the instant's own microseconds: taken as they are, they cost a twentieth of asking ICU's time
-- zones, for the million deployments a year's query places.
CREATE OR REPLACE TEMP MACRO local_time(ts) AS
    CASE WHEN getvariable('tz') IN ('UTC', 'Etc/UTC') THEN make_timestamp(epoch_us(ts))
         ELSE timezone(getvariable('tz'), ts) END;

-- seconds_between(a, b): the time from instant a to instant b in seconds, exact to the
-- microsecond: the difference of their microseconds, converted once. epoch(b) - epoch(a) rounds
-- each instant to a DOUBLE first, which is off by up to a quarter of a microsecond today, and cost
-- four times as much over the five million changes of a year at a million deployments.
CREATE OR REPLACE TEMP MACRO seconds_between(a, b) AS (epoch_us(b) - epoch_us(a)) / 1000000;

-- in_window(ts): whether the instant ts falls in the window [since, until).
CREATE OR REPLACE TEMP MACRO in_window(ts) AS ts >= getvariable('since') AND ts < getvariable('until');

-- period_of(ts): the first local day of the series period (week or month) of the instant ts;
-- NULL without a series.
CREATE OR REPLACE TEMP MACRO period_of(ts) AS
    CASE getvariable('series_interval')
        WHEN 'week' THEN date_trunc('week', local_time(ts))::DATE
        WHEN 'month' THEN date_trunc('month', local_time(ts))::DATE
    END;

-- group_name_of(service, team, repo, environment): the group of a record with those attributes,
-- under the query's grouping.
CREATE OR REPLACE TEMP MACRO group_name_of(service, team, repo, environment) AS
    CASE getvariable('group_by')
        WHEN 'service' THEN service
        WHEN 'team' THEN coalesce(team, 'unassigned')
        WHEN 'repo' THEN coalesce(repo, 'unknown')
        WHEN 'environment' THEN environment
        ELSE 'all'
    END;

-- group_key(name): the key of the group of that name, the hash of the name. The metrics group by
-- this number, a fifth faster than by the name; group_keys (09_groups.sql) gives each key its name
-- back, and fails the query if two names share a key.
CREATE OR REPLACE TEMP MACRO group_key(name) AS hash(name);

-- group_of(service, team, repo, environment): the key of the group of a record.
CREATE OR REPLACE TEMP MACRO group_of(service, team, repo, environment) AS
    group_key(group_name_of(service, team, repo, environment));

-- The calendar of the window [since, until) in the report's time zone: every local day the window
-- touches, its ISO week (starting Monday) and its series period, and each period's length in days
-- clipped to the window. A partial first or last week counts as a week (METRICS.md).
CREATE OR REPLACE TEMP TABLE calendar AS
SELECT d::DATE AS day,
       date_trunc('week', d)::DATE AS week,
       CASE getvariable('series_interval')
           WHEN 'week' THEN date_trunc('week', d)::DATE
           WHEN 'month' THEN date_trunc('month', d)::DATE
       END AS period
FROM generate_series(
        date_trunc('day', local_time(getvariable('since'))),
        local_time(getvariable('until') - INTERVAL 1 microsecond),
        INTERVAL 1 day) AS t(d);

-- The series periods, each with its place in their order and its length in days, clipped to the
-- window.
CREATE OR REPLACE TEMP TABLE periods AS
SELECT period, row_number() OVER (ORDER BY period) AS place,
       (epoch(least(timezone(getvariable('tz'), (period + CASE getvariable('series_interval') WHEN 'week' THEN INTERVAL 7 day ELSE INTERVAL 1 month END)::TIMESTAMP), getvariable('until')))
        - epoch(greatest(timezone(getvariable('tz'), period::TIMESTAMP), getvariable('since')))) / 86400 AS days
FROM (SELECT DISTINCT period FROM calendar WHERE period IS NOT NULL);
