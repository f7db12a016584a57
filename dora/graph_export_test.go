package dora

// SetGraphSpanCommits makes shipByGraph read the commit graphs n commits at a time, until
// restore is called.
func SetGraphSpanCommits(n int) (restore func()) {
	old := graphSpanCommits
	graphSpanCommits = n
	return func() { graphSpanCommits = old }
}
