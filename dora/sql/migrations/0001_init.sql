-- The warehouse of dorareport, version 1. Records are kept as the sources gave them; every
-- derived fact (production or not, what a deployment shipped, lead times, failures) is computed
-- at query time from these tables and the definitions in force, so changing a definition never
-- needs a re-import. Identities are enforced by the writer (replace on write), not by indexes,
-- which would slow bulk appends.

CREATE TABLE deployments (
    id          VARCHAR NOT NULL,   -- identity
    service     VARCHAR,            -- NULL: the service of the repository
    environment VARCHAR NOT NULL,
    tier        VARCHAR,            -- 'production' when the source marks it so
    status      VARCHAR NOT NULL,   -- success | failure | cancelled | in_progress
    sha         VARCHAR NOT NULL,
    repo        VARCHAR,
    started_at  TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    commits     VARCHAR[],          -- shas the source says it shipped; NULL: unknown
    unplanned   BOOLEAN NOT NULL,
    url         VARCHAR,
    source      VARCHAR
);

CREATE TABLE commits (
    repo         VARCHAR NOT NULL,  -- identity: repo + sha
    sha          VARCHAR NOT NULL,
    parents      VARCHAR[],         -- NULL: unknown
    authored_at  TIMESTAMPTZ NOT NULL,
    committed_at TIMESTAMPTZ,
    pull_request BIGINT,
    service      VARCHAR            -- monorepo: the one service this commit changes
);

CREATE TABLE pull_requests (
    repo            VARCHAR NOT NULL, -- identity: repo + number
    number          BIGINT NOT NULL,
    title           VARCHAR,
    labels          VARCHAR[],
    created_at      TIMESTAMPTZ NOT NULL,
    merged_at       TIMESTAMPTZ,
    merge_sha       VARCHAR,
    first_commit_at TIMESTAMPTZ,
    url             VARCHAR
);

CREATE TABLE incidents (
    id          VARCHAR NOT NULL,   -- identity
    service     VARCHAR,
    environment VARCHAR,
    title       VARCHAR,
    severity    VARCHAR,
    started_at  TIMESTAMPTZ NOT NULL,
    resolved_at TIMESTAMPTZ,
    caused_by   VARCHAR,            -- a deployment id (or sha)
    url         VARCHAR,
    source      VARCHAR
);

-- The services of the configuration; replaced as a whole when the configuration is applied.
CREATE TABLE services (
    name  VARCHAR NOT NULL,         -- identity
    team  VARCHAR,
    repos VARCHAR[],
    paths VARCHAR[]
);

-- Cursors, ETags and other progress of the collectors, committed with the data they describe.
CREATE TABLE sync_state (
    source     VARCHAR NOT NULL,    -- identity: source + key
    key        VARCHAR NOT NULL,
    value      VARCHAR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
