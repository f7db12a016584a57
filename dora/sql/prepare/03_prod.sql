-- The successful production deployments that finished in the window (03_histories.sql), with
-- where each falls in the query: its local day, group and period. Kept narrow, since storing a
-- million wide rows is most of the cost of this step: whatever else a step needs of a deployment
-- it reads from the histories, which do not depend on the query.
CREATE OR REPLACE TEMP TABLE prod AS
SELECT h.ord, h.id, h.finished_at, h.rollback,
       local_time(h.finished_at)::DATE AS day,
       group_of(h.service, h.team, h.repo, h.environment) AS grp,
       period_of(h.finished_at) AS period
FROM histories h
WHERE in_window(h.finished_at);
