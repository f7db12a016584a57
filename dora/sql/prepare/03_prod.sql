-- The successful production deployments, their histories (03_histories.sql) and what the query
-- needs of them: whether each finished in the window, its local day, group and period.
CREATE OR REPLACE TEMP TABLE prod AS
SELECT h.*,
       in_window(h.finished_at) AS in_window,
       local_time(h.finished_at)::DATE AS day,
       group_of(h.service, h.team, h.repo, h.environment) AS grp,
       period_of(h.finished_at) AS period
FROM histories h;
