// Package postgres is the PostgreSQL driver and dialect of the orm package, over
// github.com/jackc/pgx/v5 used through database/sql (stdlib.OpenDB, so nothing is
// registered globally and pgx's statement cache is used).
//
// Open accepts postgres:// URLs and keyword/value connection strings, runs sessions in UTC,
// and reports bad URLs and unreachable servers with errors that name the host, database and
// user but never the password. The dialect maps the orm's column kinds to PostgreSQL types
// (TIMESTAMPTZ, NUMERIC, UUID, JSONB...) and SQLSTATE codes 23505, 23503, 23502 and 23514 to
// the orm's typed violations.
package postgres
