package github

// storable reports whether GitHub gave enough of an item (a sha, an environment, a creation
// time) to store the record made of it, and warns of one that it did not. Such an item is
// skipped: stored, it would fail the whole transaction, and so the repository's collection on
// every run.
func (r *repoSync) storable(endpoint string, rec interface{ Validate() error }) bool {
	if err := rec.Validate(); err != nil {
		r.s.log.Warn("GitHub listed an item that cannot be stored; it is skipped", "repo", r.repo, "endpoint", endpoint, "err", err)
		return false
	}
	return true
}
