package main

import (
	"strings"

	"github.com/sinewdev/sinew/auth"
	"github.com/sinewdev/sinew/orm"
)

// models lists the blog's models: setup registers them, and `go run . makemigrations`
// writes the migrations that create their tables. The users come from package auth.
var models = []any{Post{}, Tag{}, Comment{}}

// Post is an article written by a signed-up user, its body in Markdown.
type Post struct {
	orm.Model
	// Title is the post's headline.
	Title string `orm:"size=200"`
	// Body is the text, in Markdown, rendered safely by the view's markdown helper.
	Body string `orm:"text"`
	// AuthorID is the user who wrote the post; the post goes when the account does.
	AuthorID int64      `orm:"fk=auth.User,ondelete=cascade,label=Author"`
	Author   *auth.User // belongs-to, loaded with Prefetch("Author")
	// Tags label the post (join table post_tags).
	Tags []Tag `orm:"m2m=post_tags"`
	// Comments are the readers' comments (has-many, through Comment.PostID).
	Comments []Comment
}

// Tag is a label shared by posts, named in lower case ("go", "web").
type Tag struct {
	orm.Model
	// Name is the tag as shown and as it appears in /tags/{name}.
	Name string `orm:"size=30,unique"`
	// Posts are the posts with this tag (the other side of Post.Tags).
	Posts []Post `orm:"m2m=post_tags"`
}

// Comment is a signed-in reader's comment on a post, in Markdown.
type Comment struct {
	orm.Model
	// Body is the comment's text.
	Body string `orm:"text"`
	// PostID is the post commented on; comments go with their post.
	PostID int64 `orm:"fk=Post,ondelete=cascade,label=Post"`
	Post   *Post
	// AuthorID is the user who wrote the comment.
	AuthorID int64 `orm:"fk=auth.User,ondelete=cascade,label=Author"`
	Author   *auth.User
}

// Excerpt is the beginning of the post for the lists: its first paragraph, cut after
// about 300 characters. It is Markdown, like the body.
func (p *Post) Excerpt() string {
	text := strings.TrimSpace(strings.ReplaceAll(p.Body, "\r\n", "\n"))
	text, _, cut := strings.Cut(text, "\n\n")
	if r := []rune(text); len(r) > 300 {
		text, cut = string(r[:300]), true
	}
	if cut {
		text += " …"
	}
	return text
}
