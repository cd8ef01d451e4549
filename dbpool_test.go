package sinew_test

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/sinewdev/sinew"
)

// TestDatabasePoolSettings: the pool settings of Config reach the opened pool.
func TestDatabasePoolSettings(t *testing.T) {
	t.Parallel()
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard,
		DatabaseURL: "sqlite:" + filepath.Join(t.TempDir(), "pool.db"), DBMaxOpenConns: 3})
	app.Models(Note{})
	app.Migrations(migrationsFor(t, Note{}))
	ctx := context.Background()
	if err := app.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer app.Stop(ctx)
	if got := app.DB().SQL().Stats().MaxOpenConnections; got != 3 {
		t.Errorf("read pool MaxOpenConnections = %d, want 3", got)
	}
	if got := app.DB().Writer().Stats().MaxOpenConnections; got != 1 {
		t.Errorf("SQLite writer MaxOpenConnections = %d, want 1 (writes are serialised)", got)
	}
}
