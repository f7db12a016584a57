-- Version 3: the first shipment of every change (prepare/05_first_shipments.sql over the whole
-- history), kept so that queries need not derive it from millions of shipped commits. DB.Index
-- fills it for one production classification, recorded in change_facts_key; any write of the
-- records it is derived from (deployments, commits, pull requests, services) empties both. A
-- query reads it only when its production environments are the recorded ones, and derives the
-- first shipments itself otherwise.
CREATE TABLE change_facts (
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

CREATE TABLE change_facts_key (
    production_environments VARCHAR[] NOT NULL  -- sorted
);
