-- local_time(ts) reads the instant ts on the clocks of the report's time zone.
CREATE OR REPLACE TEMP MACRO local_time(ts) AS timezone(getvariable('tz'), ts);

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

CREATE OR REPLACE TEMP TABLE periods AS
SELECT period,
       (epoch(least(timezone(getvariable('tz'), (period + CASE getvariable('series_interval') WHEN 'week' THEN INTERVAL 7 day ELSE INTERVAL 1 month END)::TIMESTAMP), getvariable('until')))
        - epoch(greatest(timezone(getvariable('tz'), period::TIMESTAMP), getvariable('since')))) / 86400 AS days
FROM (SELECT DISTINCT period FROM calendar WHERE period IS NOT NULL);
