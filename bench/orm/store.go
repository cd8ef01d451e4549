package orm

import (
	"context"
	"errors"
)

// Store is one library's implementation of the benchmarked operations over its
// own model type T. Every implementation runs the same statements (the SQL
// each library writes differs only in spelling: quoting, aliases, LIMIT 1 on a
// key lookup) and returns the same rows.
type Store[T any] interface {
	// Context returns ctx prepared for the store's calls: the Sinew store puts
	// its DB in it, as the web layer does once per request; the others return
	// ctx.
	Context(ctx context.Context) context.Context
	// GetByPK reads the row with primary key id.
	GetByPK(ctx context.Context, id int64) (*T, error)
	// Fetch20 reads the 20 published rows with the highest keys, highest first.
	Fetch20(ctx context.Context) ([]T, error)
	// InsertOne inserts p, which has no key, and stores the generated key in it.
	InsertOne(ctx context.Context, p *T) error
	// InsertBulk inserts rows, which have no keys, with one multi-row INSERT,
	// and stores the generated keys in them.
	InsertBulk(ctx context.Context, rows []T) error
	// UpdateOne writes every column of p but the key and created_at to the row
	// with p's key, and fails if there is none.
	UpdateOne(ctx context.Context, p *T) error
	// Close closes the store's connections.
	Close() error
}

// ErrNoRow is returned by UpdateOne when no row has the key (the Sinew store
// returns Sinew's own ErrNotFound).
var ErrNoRow = errors.New("bench/orm: no row with that key")

// Lib describes one library: how to open its store on a prepared Target and
// how to convert between its model and Post.
type Lib[T any] struct {
	// Name is the library's name in benchmark names: Raw, Sinew, GORM, Bun, Pgx.
	Name string
	// Engines lists the engines the library runs on.
	Engines []Engine
	// Open opens the library's store on a target made ready by Prepare.
	Open func(ctx context.Context, t Target) (Store[T], error)
	// FromPost returns p as the library's model.
	FromPost func(p Post) T
	// ToPost returns the library's row as a Post.
	ToPost func(row *T) Post
}

// RawLib is hand-written database/sql code: modernc.org/sqlite on SQLite, pgx's
// database/sql driver (pgx/v5/stdlib) on PostgreSQL.
func RawLib() Lib[Post] {
	return Lib[Post]{Name: "Raw", Engines: []Engine{SQLite, Postgres}, Open: openRaw, FromPost: postToPost, ToPost: postFromPost}
}

// SinewLib is the Sinew ORM (github.com/sinewdev/sinew/orm).
func SinewLib() Lib[SinewPost] {
	return Lib[SinewPost]{Name: "Sinew", Engines: []Engine{SQLite, Postgres}, Open: openSinew, FromPost: sinewFromPost, ToPost: sinewToPost}
}

// GORMLib is GORM (gorm.io/gorm) with its SQLite and PostgreSQL dialects.
func GORMLib() Lib[GormPost] {
	return Lib[GormPost]{Name: "GORM", Engines: []Engine{SQLite, Postgres}, Open: openGORM, FromPost: gormFromPost, ToPost: gormToPost}
}

// BunLib is bun (github.com/uptrace/bun) with its SQLite and PostgreSQL dialects.
func BunLib() Lib[BunPost] {
	return Lib[BunPost]{Name: "Bun", Engines: []Engine{SQLite, Postgres}, Open: openBun, FromPost: bunFromPost, ToPost: bunToPost}
}

// PgxLib is hand-written code on pgx's native interface (a pgxpool.Pool),
// PostgreSQL only.
func PgxLib() Lib[Post] {
	return Lib[Post]{Name: "Pgx", Engines: []Engine{Postgres}, Open: openPgx, FromPost: postToPost, ToPost: postFromPost}
}
