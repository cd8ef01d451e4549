package orm

import (
	"context"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"

	sinew "github.com/sinewdev/sinew/orm"
)

// Bun is bun over the same pool the other libraries use (the write pool on
// SQLite, since bun takes one). bun formats values into the SQL text on the
// client instead of binding them as parameters; that is its design, and the
// reason the PostgreSQL runs use no statement cache for anyone.
type Bun struct {
	db  *sinew.DB // only to own and close the pool
	bun *bun.DB
}

func openBun(ctx context.Context, t Target) (Store[BunPost], error) {
	db, err := open(ctx, t, nil)
	if err != nil {
		return nil, err
	}
	var b *bun.DB
	if t.Engine == SQLite {
		b = bun.NewDB(db.Writer(), sqlitedialect.New())
	} else {
		b = bun.NewDB(db.Writer(), pgdialect.New())
	}
	return &Bun{db: db, bun: b}, nil
}

// Context implements Store.
func (b *Bun) Context(ctx context.Context) context.Context { return ctx }

// Close implements Store.
func (b *Bun) Close() error { return b.db.Close() }

// GetByPK implements Store.
func (b *Bun) GetByPK(ctx context.Context, id int64) (*BunPost, error) {
	p := &BunPost{ID: id}
	if err := b.bun.NewSelect().Model(p).WherePK().Scan(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

// Fetch20 implements Store.
func (b *Bun) Fetch20(ctx context.Context) ([]BunPost, error) {
	posts := make([]BunPost, 0, 20)
	err := b.bun.NewSelect().Model(&posts).Where("published = ?", true).Order("id DESC").Limit(20).Scan(ctx)
	return posts, err
}

// InsertOne implements Store.
func (b *Bun) InsertOne(ctx context.Context, p *BunPost) error {
	_, err := b.bun.NewInsert().Model(p).Exec(ctx)
	return err
}

// InsertBulk implements Store.
func (b *Bun) InsertBulk(ctx context.Context, rows []BunPost) error {
	_, err := b.bun.NewInsert().Model(&rows).Exec(ctx)
	return err
}

// UpdateOne implements Store.
func (b *Bun) UpdateOne(ctx context.Context, p *BunPost) error {
	res, err := b.bun.NewUpdate().Model(p).Column("title", "body", "views", "published").WherePK().Exec(ctx)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrNoRow
	}
	return nil
}
