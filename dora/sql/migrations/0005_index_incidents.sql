-- Version 5: the index also keeps the production incidents, the deployment each is attributed to
-- and the failed deployments with their recovery (prepare/07_attribution.sql, 08_failures.sql),
-- over the whole history. They depend on the incidents as well as on what the index of version 4
-- holds, and on the incident window: they are stored under index_incidents_key, which a write of
-- incidents forgets without forgetting the rest, and which forgetting the rest forgets too.
CREATE TABLE index_incs (
    id          VARCHAR NOT NULL,       -- a production incident (prepare/07_attribution.sql)
    service     VARCHAR,
    environment VARCHAR,
    started_at  TIMESTAMPTZ NOT NULL,
    resolved_at TIMESTAMPTZ,
    caused_by   VARCHAR,
    svc         VARCHAR NOT NULL,
    team        VARCHAR
);

CREATE TABLE index_attributed (
    incident_id   VARCHAR NOT NULL,
    deployment_id VARCHAR NOT NULL,
    how           VARCHAR NOT NULL,     -- caused_by or window
    repo          VARCHAR,              -- the deployment's
    environment   VARCHAR NOT NULL
);

CREATE TABLE index_failures (
    deployment_id    VARCHAR NOT NULL,  -- a failed deployment (prepare/08_failures.sql)
    ord              BIGINT NOT NULL,
    reasons          VARCHAR[] NOT NULL,
    incidents        VARCHAR[] NOT NULL,
    remediated_by    VARCHAR,
    restored_at      TIMESTAMPTZ,
    finished_at      TIMESTAMPTZ NOT NULL,
    recovery_seconds DOUBLE
);

CREATE TABLE index_incidents_key (     -- each list sorted
    production_environments VARCHAR[] NOT NULL,
    remediation_labels      VARCHAR[] NOT NULL,
    remediation_prefixes    VARCHAR[] NOT NULL,
    incident_window_seconds BIGINT NOT NULL
);
