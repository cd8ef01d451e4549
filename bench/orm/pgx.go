package orm

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sinewdev/sinew/orm/postgres"
)

// Pgx is hand-written code on pgx's own interface, without database/sql: the
// floor of what Go code can do with PostgreSQL. It runs the Raw store's
// statements, with the connection configuration orm/postgres uses.
type Pgx struct {
	pool *pgxpool.Pool
	sql  rawSQL
}

func openPgx(ctx context.Context, t Target) (Store[Post], error) {
	if t.Engine != Postgres {
		return nil, fmt.Errorf("%w: pgx runs on PostgreSQL only", ErrTarget)
	}
	dsn, err := t.DSN()
	if err != nil {
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("bench/orm: %w", err)
	}
	if cfg.ConnConfig, err = postgres.Config(dsn); err != nil {
		return nil, err
	}
	cfg.ConnConfig.Tracer = t.Tracer
	cfg.MaxConns = 4 // as orm.Config's default pool on two CPUs
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("bench/orm: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("bench/orm: %w", err)
	}
	return &Pgx{pool: pool, sql: newRawSQL(Postgres)}, nil
}

// Context implements Store.
func (p *Pgx) Context(ctx context.Context) context.Context { return ctx }

// Close implements Store.
func (p *Pgx) Close() error {
	p.pool.Close()
	return nil
}

// GetByPK implements Store.
func (p *Pgx) GetByPK(ctx context.Context, id int64) (*Post, error) {
	post := new(Post)
	if err := scanPost(p.pool.QueryRow(ctx, p.sql.get, id), post); err != nil {
		return nil, err
	}
	return post, nil
}

// Fetch20 implements Store.
func (p *Pgx) Fetch20(ctx context.Context) ([]Post, error) {
	rows, err := p.pool.Query(ctx, p.sql.fetch20, true)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	posts := make([]Post, 0, 20)
	for rows.Next() {
		posts = append(posts, Post{})
		if err := scanPost(rows, &posts[len(posts)-1]); err != nil {
			return nil, err
		}
	}
	return posts, rows.Err()
}

// InsertOne implements Store.
func (p *Pgx) InsertOne(ctx context.Context, post *Post) error {
	return p.pool.QueryRow(ctx, p.sql.insert, post.Title, post.Body, post.Views, post.Published, post.CreatedAt).Scan(&post.ID)
}

// InsertBulk implements Store.
func (p *Pgx) InsertBulk(ctx context.Context, posts []Post) error {
	args := make([]any, 0, 5*len(posts))
	for i := range posts {
		r := &posts[i]
		args = append(args, r.Title, r.Body, r.Views, r.Published, r.CreatedAt)
	}
	rows, err := p.pool.Query(ctx, p.sql.bulkSQL(len(posts)), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	i := 0
	for ; rows.Next(); i++ {
		if i >= len(posts) {
			return fmt.Errorf("bench/orm: more keys than rows")
		}
		if err := rows.Scan(&posts[i].ID); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if i != len(posts) {
		return fmt.Errorf("bench/orm: %d keys for %d rows", i, len(posts))
	}
	return nil
}

// UpdateOne implements Store.
func (p *Pgx) UpdateOne(ctx context.Context, post *Post) error {
	tag, err := p.pool.Exec(ctx, p.sql.update, post.Title, post.Body, post.Views, post.Published, post.ID)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return ErrNoRow
	}
	return nil
}
