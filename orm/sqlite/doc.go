// Package sqlite is the SQLite driver and dialect of the orm package, over the pure-Go
// modernc.org/sqlite (no cgo). It is Sinew's default database: with no DATABASE_URL an
// application stores its data in ./data/app.db.
//
// Open configures every connection for application use: WAL journaling, foreign keys,
// a busy timeout, synchronous=NORMAL, and times stored as UTC text in one sortable format.
// Writes and transactions are serialised through a pool of one connection, so that
// goroutines writing at the same time queue inside the process instead of failing with
// SQLITE_BUSY, while reads run concurrently on read-only connections. Nothing is registered
// globally: connections come from a driver value of the package's own.
package sqlite
