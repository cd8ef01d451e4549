package main

import (
	"context"
	"fmt"

	"github.com/sinewdev/sinew/orm"
)

// Author writes posts.
type Author struct {
	orm.Model
	Name  string `orm:"size=100,label=Name"`
	Email string `orm:"size=254,unique"`
	Posts []Post // has-many, through Post.AuthorID
}

// Post is a blog post by an author.
type Post struct {
	orm.Model
	Title     string  `orm:"size=200"`
	Body      string  `orm:"text"`
	Published bool    `orm:"index"`
	Views     int64   `orm:"default=0"`
	AuthorID  int64   `orm:"fk=Author,ondelete=cascade"`
	Author    *Author // belongs-to
}

// seed fills an empty database with a few authors and posts, so the pages show something.
func seed(ctx context.Context) error {
	n, err := orm.Q[Author](ctx).Count()
	if err != nil || n > 0 {
		return err
	}
	return orm.FromContext(ctx).Tx(ctx, func(ctx context.Context) error {
		authors := []Author{{Name: "Ada Lovelace", Email: "ada@example.com"}, {Name: "Grace Hopper", Email: "grace@example.com"}}
		for i := range authors {
			if err := orm.Create(ctx, &authors[i]); err != nil {
				return err
			}
		}
		var posts []Post
		for i := 1; i <= 6; i++ {
			a := authors[i%2]
			posts = append(posts, Post{
				Title:     fmt.Sprintf("Notes on the engine, part %d", i),
				Body:      "Sinew stores this post in **SQLite** by default. Set `DATABASE_URL` for PostgreSQL or MariaDB.",
				Published: i != 6,
				Views:     int64(i * 17),
				AuthorID:  a.ID,
			})
		}
		return orm.CreateMany(ctx, posts)
	})
}
