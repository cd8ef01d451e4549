package orm

import (
	"time"

	"github.com/uptrace/bun"
)

// Post is the row every library reads and writes, in the shape hand-written code
// uses: the Raw and Pgx stores scan into it, and the correctness test compares
// every library's rows in this form.
type Post struct {
	ID        int64
	Title     string
	Body      string
	Views     int64
	Published bool
	CreatedAt time.Time
}

// SinewPost is Post declared for the Sinew ORM. CreatedAt is filled in by
// Create when zero; the benchmarks always set it, as they do for every library.
type SinewPost struct {
	ID        int64  `orm:"pk"`
	Title     string `orm:"size=200"`
	Body      string `orm:"text"`
	Views     int64
	Published bool
	CreatedAt time.Time
}

// TableName gives the Sinew model the table every library shares.
func (SinewPost) TableName() string { return "posts" }

// GormPost is Post declared for GORM.
type GormPost struct {
	ID        int64  `gorm:"primaryKey"`
	Title     string `gorm:"size:200;not null"`
	Body      string `gorm:"not null"`
	Views     int64  `gorm:"not null"`
	Published bool   `gorm:"not null"`
	CreatedAt time.Time
}

// TableName gives the GORM model the table every library shares.
func (GormPost) TableName() string { return "posts" }

// BunPost is Post declared for bun.
type BunPost struct {
	bun.BaseModel `bun:"table:posts,alias:p"`

	ID        int64     `bun:"id,pk,autoincrement"`
	Title     string    `bun:"title,notnull"`
	Body      string    `bun:"body,notnull"`
	Views     int64     `bun:"views,notnull"`
	Published bool      `bun:"published,notnull"`
	CreatedAt time.Time `bun:"created_at,notnull"`
}

// The conversions between Post and each library's model: the benchmarks build
// new rows from a Post and the correctness test reads every library's rows back
// as Posts. They copy fields and nothing else, so that they cost the same for
// every library.

func postToPost(p Post) Post    { return p }
func postFromPost(p *Post) Post { return *p }

func sinewFromPost(p Post) SinewPost {
	return SinewPost{ID: p.ID, Title: p.Title, Body: p.Body, Views: p.Views, Published: p.Published, CreatedAt: p.CreatedAt}
}

func sinewToPost(p *SinewPost) Post {
	return Post{ID: p.ID, Title: p.Title, Body: p.Body, Views: p.Views, Published: p.Published, CreatedAt: p.CreatedAt}
}

func gormFromPost(p Post) GormPost {
	return GormPost{ID: p.ID, Title: p.Title, Body: p.Body, Views: p.Views, Published: p.Published, CreatedAt: p.CreatedAt}
}

func gormToPost(p *GormPost) Post {
	return Post{ID: p.ID, Title: p.Title, Body: p.Body, Views: p.Views, Published: p.Published, CreatedAt: p.CreatedAt}
}

func bunFromPost(p Post) BunPost {
	return BunPost{ID: p.ID, Title: p.Title, Body: p.Body, Views: p.Views, Published: p.Published, CreatedAt: p.CreatedAt}
}

func bunToPost(p *BunPost) Post {
	return Post{ID: p.ID, Title: p.Title, Body: p.Body, Views: p.Views, Published: p.Published, CreatedAt: p.CreatedAt}
}
