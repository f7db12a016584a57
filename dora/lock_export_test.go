package dora

// LockedErrorOf exposes the reading of DuckDB's lock messages to the tests of package dora_test.
var LockedErrorOf = lockedError
