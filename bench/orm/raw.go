package orm

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	sinew "github.com/sinewdev/sinew/orm"
)

// bulkRows is the size of the bulk insert the benchmarks run; the hand-written
// stores build its statement once.
const bulkRows = 1000

// postColumns are the columns every store reads, in Post's field order.
const postColumns = "id, title, body, views, published, created_at"

// rawSQL holds the hand-written statements for one engine.
type rawSQL struct {
	get, fetch20, insert, update string
	bulk                         string // for bulkRows rows
	engine                       Engine
}

func newRawSQL(e Engine) rawSQL {
	ph := func(n int) string {
		if e == Postgres {
			return fmt.Sprintf("$%d", n)
		}
		return "?"
	}
	s := rawSQL{
		engine:  e,
		get:     "SELECT " + postColumns + " FROM posts WHERE id = " + ph(1),
		fetch20: "SELECT " + postColumns + " FROM posts WHERE published = " + ph(1) + " ORDER BY id DESC LIMIT 20",
		insert:  "INSERT INTO posts (title, body, views, published, created_at) VALUES " + valuesRow(e, 0, 5) + " RETURNING id",
		update:  "UPDATE posts SET title = " + ph(1) + ", body = " + ph(2) + ", views = " + ph(3) + ", published = " + ph(4) + " WHERE id = " + ph(5),
	}
	s.bulk = s.bulkSQL(bulkRows)
	return s
}

// bulkSQL returns the multi-row INSERT of n rows.
func (s *rawSQL) bulkSQL(n int) string {
	if n == bulkRows && s.bulk != "" {
		return s.bulk
	}
	var b strings.Builder
	b.Grow(80 + n*32)
	b.WriteString("INSERT INTO posts (title, body, views, published, created_at) VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(valuesRow(s.engine, 5*i, 5))
	}
	b.WriteString(" RETURNING id")
	return b.String()
}

// Raw is hand-written database/sql code. On SQLite it reads on the read pool
// and writes on the one-connection write pool, as Sinew does.
type Raw struct {
	db         *sinew.DB // only to own and close the pools
	read, writ *sql.DB
	sql        rawSQL
}

func openRaw(ctx context.Context, t Target) (Store[Post], error) {
	db, err := open(ctx, t, nil)
	if err != nil {
		return nil, err
	}
	return &Raw{db: db, read: db.SQL(), writ: db.Writer(), sql: newRawSQL(t.Engine)}, nil
}

// Context implements Store.
func (r *Raw) Context(ctx context.Context) context.Context { return ctx }

// Close implements Store.
func (r *Raw) Close() error { return r.db.Close() }

func scanPost(sc interface{ Scan(...any) error }, p *Post) error {
	return sc.Scan(&p.ID, &p.Title, &p.Body, &p.Views, &p.Published, &p.CreatedAt)
}

// GetByPK implements Store.
func (r *Raw) GetByPK(ctx context.Context, id int64) (*Post, error) {
	p := new(Post)
	if err := scanPost(r.read.QueryRowContext(ctx, r.sql.get, id), p); err != nil {
		return nil, err
	}
	return p, nil
}

// Fetch20 implements Store.
func (r *Raw) Fetch20(ctx context.Context) ([]Post, error) {
	rows, err := r.read.QueryContext(ctx, r.sql.fetch20, true)
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
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return posts, rows.Close()
}

// InsertOne implements Store.
func (r *Raw) InsertOne(ctx context.Context, p *Post) error {
	return r.writ.QueryRowContext(ctx, r.sql.insert, p.Title, p.Body, p.Views, p.Published, p.CreatedAt).Scan(&p.ID)
}

// InsertBulk implements Store.
func (r *Raw) InsertBulk(ctx context.Context, posts []Post) error {
	args := make([]any, 0, 5*len(posts))
	for i := range posts {
		p := &posts[i]
		args = append(args, p.Title, p.Body, p.Views, p.Published, p.CreatedAt)
	}
	rows, err := r.writ.QueryContext(ctx, r.sql.bulkSQL(len(posts)), args...)
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
	return rows.Close()
}

// UpdateOne implements Store.
func (r *Raw) UpdateOne(ctx context.Context, p *Post) error {
	res, err := r.writ.ExecContext(ctx, r.sql.update, p.Title, p.Body, p.Views, p.Published, p.ID)
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
