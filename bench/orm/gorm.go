package orm

import (
	"context"

	gormpg "gorm.io/driver/postgres"
	gormsqlite "gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	sinew "github.com/sinewdev/sinew/orm"
)

// GORM is GORM over the same pool the other libraries use. Its SQLite dialect
// (gorm.io/driver/sqlite) is given the modernc.org/sqlite pool as its Conn, so
// mattn/go-sqlite3, which that package imports, never opens a connection; with
// CGO_ENABLED=0 it compiles to a stub. Single-row writes do not run in a
// transaction of their own (SkipDefaultTransaction), as in the other libraries,
// and prepared statements are not cached (PrepareStmt false, GORM's default).
type GORM struct {
	db   *sinew.DB // only to own and close the pool
	gorm *gorm.DB
}

func openGORM(ctx context.Context, t Target) (Store[GormPost], error) {
	db, err := open(ctx, t, nil)
	if err != nil {
		return nil, err
	}
	// GORM takes one pool; on SQLite that is the write pool, which serves reads
	// as well as any pool of the same file.
	var d gorm.Dialector
	if t.Engine == SQLite {
		d = gormsqlite.New(gormsqlite.Config{Conn: db.Writer()})
	} else {
		d = gormpg.New(gormpg.Config{Conn: db.Writer()})
	}
	g, err := gorm.Open(d, &gorm.Config{
		SkipDefaultTransaction: true,
		Logger:                 logger.Discard,
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return &GORM{db: db, gorm: g}, nil
}

// Context implements Store.
func (g *GORM) Context(ctx context.Context) context.Context { return ctx }

// Close implements Store.
func (g *GORM) Close() error { return g.db.Close() }

// GetByPK implements Store.
func (g *GORM) GetByPK(ctx context.Context, id int64) (*GormPost, error) {
	p := new(GormPost)
	if err := g.gorm.WithContext(ctx).Take(p, id).Error; err != nil {
		return nil, err
	}
	return p, nil
}

// Fetch20 implements Store.
func (g *GORM) Fetch20(ctx context.Context) ([]GormPost, error) {
	posts := make([]GormPost, 0, 20)
	err := g.gorm.WithContext(ctx).Where("published = ?", true).Order("id DESC").Limit(20).Find(&posts).Error
	return posts, err
}

// InsertOne implements Store.
func (g *GORM) InsertOne(ctx context.Context, p *GormPost) error {
	return g.gorm.WithContext(ctx).Create(p).Error
}

// InsertBulk implements Store.
func (g *GORM) InsertBulk(ctx context.Context, rows []GormPost) error {
	return g.gorm.WithContext(ctx).Create(&rows).Error
}

// UpdateOne implements Store.
func (g *GORM) UpdateOne(ctx context.Context, p *GormPost) error {
	res := g.gorm.WithContext(ctx).Model(p).Select("title", "body", "views", "published").Updates(p)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrNoRow
	}
	return nil
}
