// Package ratelimittest is the conformance suite of ratelimit.Store implementations: Run
// exercises counting, fixed windows, expiry, Reset, key isolation with hostile keys, bad
// windows and exact counts under many concurrent goroutines against stores supplied by a
// NewStore function, each test in parallel with a store of its own.
//
// The ratelimit package runs it against the memory store, the database store on SQLite,
// PostgreSQL and MariaDB, and the Redis store; a third-party store passes the same suite
// to be a drop-in replacement. The server-backed runs read SINEW_TEST_POSTGRES_URL,
// SINEW_TEST_MYSQL_URL and SINEW_TEST_REDIS_URL and skip with a message when they are not
// set (RequireService turns the skip into a failure when SINEW_TEST_REQUIRE_SERVICES is
// set, as CI does).
package ratelimittest
