-- Version 3: whether each deployment's commits are listed, without reading the lists (reading a
-- million lists of commits only to see whether they are there took a second and a half).
ALTER TABLE deployments ADD COLUMN commits_listed BOOLEAN;
UPDATE deployments SET commits_listed = commits IS NOT NULL;

-- The deployment histories and what queries need of the shipped commits (prepare/03_histories.sql,
-- 04_shipped.sql and 05_shipments.sql over the whole history), kept so that queries need not
-- derive them from millions of shipped commits and the commit graph. DB.Index fills these tables
-- for one production classification, recorded in index_key; any write of the records they are
-- derived from (deployments, commits, pull requests, services) empties them all. A query reads
-- them only when its production environments are the recorded ones, and derives them itself
-- otherwise.
CREATE TABLE index_histories (
    id       VARCHAR NOT NULL,          -- a successful production deployment (prepare/03_histories.sql)
    seq      BIGINT NOT NULL,
    prev_id  VARCHAR,
    prev_sha VARCHAR,
    ord      BIGINT NOT NULL,
    rollback BOOLEAN NOT NULL
);

CREATE TABLE index_ranges (
    deployment_id VARCHAR NOT NULL,
    known         BOOLEAN NOT NULL      -- whether what it shipped is known (prepare/04_shipped.sql)
);

CREATE TABLE index_first_shipments (
    ord               BIGINT NOT NULL,  -- the deployment's place among the successful production deployments
    service           VARCHAR NOT NULL,
    repo              VARCHAR,
    sha               VARCHAR NOT NULL,
    has_record        BOOLEAN NOT NULL,
    merge_commit      BOOLEAN NOT NULL,
    authored_at       TIMESTAMPTZ,
    committed_at      TIMESTAMPTZ,
    pr_number         BIGINT,
    squash_started_at TIMESTAMPTZ       -- a squash or rebase merge: its pull request's first commit
);

CREATE TABLE index_merge_shipments (
    deployment_id  VARCHAR NOT NULL,
    repo           VARCHAR,
    sha            VARCHAR NOT NULL,   -- the merge commit of pull request number, shipped by deployment_id
    number         BIGINT NOT NULL,
    commit_service VARCHAR
);

CREATE TABLE index_key (
    production_environments VARCHAR[] NOT NULL  -- sorted
);
