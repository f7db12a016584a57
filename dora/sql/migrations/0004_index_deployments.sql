-- Version 4: the index of version 3 keeps what queries need of each production deployment (its
-- record, besides its place in the history) and the finish time of each first shipment's
-- deployment, and the remediations instead of the merge commits of pull requests that each
-- deployment shipped, stored under the remediation patterns as well as the production
-- environments. The index holds only what DB.Index derives from the records: it is emptied here,
-- and the next Index fills it.
DELETE FROM index_ranges;
DROP TABLE index_first_shipments;
DROP TABLE index_merge_shipments;
DROP TABLE index_histories;
DROP TABLE index_key;

CREATE TABLE index_histories (
    id            VARCHAR NOT NULL,     -- a successful production deployment (prepare/03_histories.sql)
    service       VARCHAR NOT NULL,
    team          VARCHAR,
    environment   VARCHAR NOT NULL,
    repo          VARCHAR,
    sha           VARCHAR NOT NULL,
    finished_at   TIMESTAMPTZ NOT NULL,
    commits_known BOOLEAN NOT NULL,
    unplanned     BOOLEAN NOT NULL,
    seq           BIGINT NOT NULL,
    prev_id       VARCHAR,
    prev_sha      VARCHAR,
    ord           BIGINT NOT NULL,
    rollback      BOOLEAN NOT NULL
);

CREATE TABLE index_first_shipments (
    ord               BIGINT NOT NULL,  -- the deployment's place among the successful production deployments
    deployed_at       TIMESTAMPTZ NOT NULL, -- when that deployment finished
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

CREATE TABLE index_remediations (
    deployment_id VARCHAR NOT NULL      -- a remediation (prepare/05_shipments.sql)
);

CREATE TABLE index_key (               -- each list sorted
    production_environments VARCHAR[] NOT NULL,
    remediation_labels      VARCHAR[] NOT NULL,
    remediation_prefixes    VARCHAR[] NOT NULL
);
