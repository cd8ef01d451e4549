// Package sessiontest is the conformance suite every session.Store passes: the database
// store on SQLite, PostgreSQL and MySQL/MariaDB, and the Redis store, all run the same
// tests against real servers.
//
// A store's test calls Run with a function returning a fresh, empty store for each subtest.
// The suite covers saving, reading and deleting, replacement (last write wins), expiry
// (expired sessions are never returned, and DeleteExpired removes them), renewal under a
// new ID, large and binary data, the size limit, and hostile IDs (empty, huge, binary,
// SQL and key-pattern metacharacters), which are simply not found.
package sessiontest
