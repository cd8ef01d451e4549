package orm

import (
	"context"

	sinew "github.com/sinewdev/sinew/orm"
)

// Sinew is the Sinew ORM: typed queries with orm.Q, orm.Create, orm.CreateMany
// and orm.Save, on the DB that its driver (orm/sqlite or orm/postgres) opened.
type Sinew struct {
	db *sinew.DB
}

func openSinew(ctx context.Context, t Target) (Store[SinewPost], error) {
	reg := sinew.NewRegistry()
	if err := reg.Register(SinewPost{}); err != nil {
		return nil, err
	}
	db, err := open(ctx, t, reg)
	if err != nil {
		return nil, err
	}
	return &Sinew{db: db}, nil
}

// Context implements Store: it returns ctx carrying the DB, as the web layer
// prepares every request's context.
func (s *Sinew) Context(ctx context.Context) context.Context { return sinew.WithDB(ctx, s.db) }

// Close implements Store.
func (s *Sinew) Close() error { return s.db.Close() }

// GetByPK implements Store.
func (s *Sinew) GetByPK(ctx context.Context, id int64) (*SinewPost, error) {
	return sinew.Q[SinewPost](ctx).Get(id)
}

// Fetch20 implements Store.
func (s *Sinew) Fetch20(ctx context.Context) ([]SinewPost, error) {
	return sinew.Q[SinewPost](ctx).Filter("published", true).OrderBy("-id").Limit(20).All()
}

// InsertOne implements Store.
func (s *Sinew) InsertOne(ctx context.Context, p *SinewPost) error {
	return sinew.Create(ctx, p)
}

// InsertBulk implements Store.
func (s *Sinew) InsertBulk(ctx context.Context, rows []SinewPost) error {
	return sinew.CreateMany(ctx, rows)
}

// UpdateOne implements Store.
func (s *Sinew) UpdateOne(ctx context.Context, p *SinewPost) error {
	return sinew.Save(ctx, p)
}
