package github

// SetFlushCommits lets tests write long ranges in small parts; it returns the previous bound.
func SetFlushCommits(n int) int {
	old := flushCommits
	flushCommits = n
	return old
}
