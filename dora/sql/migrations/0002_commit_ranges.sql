-- Version 2: the commit ranges of the commit graph, kept so that queries need not walk it.
-- A row holds the commits reachable from to_sha and not from from_sha in repo: what a deployment
-- of to_sha without a list of its commits shipped after one of from_sha. DB.Index fills it;
-- every write of a repository's commits forgets that repository's ranges, since any commit record
-- can change them. Queries compute the ranges missing here on the fly.
CREATE TABLE commit_ranges (
    repo     VARCHAR NOT NULL,      -- identity: repo + from_sha + to_sha
    from_sha VARCHAR NOT NULL,
    to_sha   VARCHAR NOT NULL,
    shas     VARCHAR[] NOT NULL
);
