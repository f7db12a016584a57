-- The lead times of the window counted per bucket: bucket i holds the values below bound i and
-- at or above bound i-1 (the bounds are set by the caller in histogram_bounds).
SELECT len(list_filter(getvariable('histogram_bounds'), lambda b: b <= lead_seconds)) AS bucket, count(*) AS n
FROM changes
WHERE has_record AND NOT merge_commit
GROUP BY bucket;
