package ormtest_test

import (
	"os"
	"testing"

	"github.com/sinewdev/sinew/orm/ormtest"
)

// TestConformance runs the suite on SQLite always, and on PostgreSQL and MySQL when
// SINEW_TEST_POSTGRES_URL and SINEW_TEST_MYSQL_URL are set.
func TestConformance(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		ormtest.Run(t, ormtest.OpenSQLite)
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		if os.Getenv(ormtest.PostgresEnv) == "" {
			t.Skip("set " + ormtest.PostgresEnv + "=postgres://root@127.0.0.1:5432/test?sslmode=disable to run the PostgreSQL suite")
		}
		ormtest.Run(t, ormtest.OpenPostgres)
	})
	t.Run("mysql", func(t *testing.T) {
		t.Parallel()
		if os.Getenv(ormtest.MySQLEnv) == "" {
			t.Skip("set " + ormtest.MySQLEnv + "='root@tcp(127.0.0.1:3306)/test' to run the MySQL suite")
		}
		ormtest.Run(t, ormtest.OpenMySQL)
	})
}
