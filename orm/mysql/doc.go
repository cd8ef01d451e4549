// Package mysql is the MySQL and MariaDB driver and dialect of the orm package, over
// github.com/go-sql-driver/mysql used through a connector (nothing is registered
// globally).
//
// Open accepts mysql://user:password@host:port/dbname URLs as well as the driver's own DSNs,
// and whatever the URL says it runs sessions in utf8mb4 and UTC, in strict SQL mode, with
// times parsed into time.Time and affected-row counts that count matched rows (so that Save
// of an unchanged row is not reported as missing). The dialect maps the orm's column kinds to
// MySQL types (DATETIME(6), DECIMAL, CHAR(36) for UUIDs, JSON...) and error numbers 1062,
// 1451, 1452, 1048, 3819 and MariaDB's 4025 to the orm's typed violations.
package mysql
