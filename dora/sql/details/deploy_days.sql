-- Successful production deployments per calendar day of the window (report time zone).
SELECT strftime(day, '%Y-%m-%d'), count(*)
FROM prod
GROUP BY day
ORDER BY day;
