package doratest

// Plausible words for titles; they carry no meaning for the metrics except the hotfix and
// revert patterns.
var (
	prVerbs   = []string{"Add", "Fix", "Refactor", "Update", "Remove", "Speed up", "Handle", "Migrate", "Simplify", "Document"}
	prObjects = []string{"retry logic in %s client", "rate limiter", "pagination of list endpoints", "timeout handling",
		"cache invalidation", "feature flag for the new flow", "request id logging", "database index on lookups",
		"golang.org/x/net dependency", "flaky integration test", "error messages", "queue depth metrics",
		"config loading", "health checks", "batch size of the importer", "%s dashboard", "input validation",
		"connection pool settings", "CSV export", "audit log entries"}
	prLabels     = []string{"feature", "bug", "chore", "dependencies", "refactor"}
	hotfixTitles = []string{"restore previous timeout", "guard against nil config", "roll forward schema fix",
		"fix crash on empty cart", "raise connection limit", "disable broken feature flag"}
	incidentTitles = []string{"5xx spike on %s", "Elevated latency on %s", "%s error rate above SLO", "%s pods crash looping",
		"Queue backlog in %s", "Login errors in %s", "%s returns stale data"}
	quietIncidentTitles = []string{"Cloud provider degradation affecting %s", "DNS resolution failures for %s",
		"Certificate expiry on %s", "Disk full on %s database", "Upstream payment provider outage hits %s"}
	severities = []string{"sev1", "sev2", "sev3", "sev4"}
)
