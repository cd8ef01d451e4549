// Package orm benchmarks the Sinew ORM against the code Go developers would
// otherwise write: hand-written database/sql (Raw), GORM, bun and, on
// PostgreSQL, hand-written code on pgx's own interface (Pgx). It holds the
// model of the benchmarks (a post: id, title, body, views, published,
// created_at) declared for each library, a Store per library implementing the
// five benchmarked operations (get by primary key, fetch 20 rows, insert one
// row, insert 1,000 rows in one statement, update one row), and Prepare, which
// gives each library its own copy of the same seeded rows: a SQLite file of its
// own, or a PostgreSQL schema of its own.
//
// The comparison is kept fair on purpose. Every library runs on connection
// pools opened by Sinew's drivers (orm/sqlite over modernc.org/sqlite,
// orm/postgres over pgx v5), so pragmas, pgx settings and pool sizes are the
// same; every library sends the same statement for each operation
// (testdata/postgres.sql.golden shows them); none caches prepared statements
// (on PostgreSQL all use pgx's exec mode, see DefaultExecMode); and a test
// checks that all of them return the same rows. The package lives in its own
// Go module so that GORM and bun never enter the main module's go.mod. run.sh
// runs the benchmarks, summarises them with benchstat and writes the table
// into docs/benchmarks.md.
package orm
