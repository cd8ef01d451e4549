// Package ormtest is the conformance suite of the orm package and its drivers: Run
// exercises every feature (queries, writes, relations, transactions, hooks, typed errors,
// injection attempts, concurrency) against databases supplied by an Opener, each test in
// parallel with a database of its own.
//
// OpenSQLite, OpenPostgres and OpenMySQL are the Openers for Sinew's three engines: a
// temporary file, a fresh schema on the server named by SINEW_TEST_POSTGRES_URL, and a fresh
// database on the server named by SINEW_TEST_MYSQL_URL; the server-backed ones skip when
// their variable is not set, and everything they create is dropped when the test ends.
// Packages that need an isolated database in their own tests can use them too.
package ormtest
