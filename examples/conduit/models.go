package main

import (
	"slices"
	"time"

	"github.com/sinewdev/sinew/orm"
)

// Profile is the public side of an account (auth.User holds the e-mail address and the
// password): the username, bio and image other users see. It is also the JSON shape of the
// spec's Profile, with Following computed for the reader.
type Profile struct {
	orm.Model `json:"-"`
	UserID    int64     `orm:"fk=auth.User,ondelete=cascade,unique" json:"-"`
	Username  string    `orm:"size=100,unique" json:"username"`
	Bio       string    `orm:"text" json:"bio"`
	Image     string    `orm:"size=500" json:"image"`
	Follows   []Profile `orm:"m2m=follows" json:"-"` // join table follows(profile_id, follow_id)
	Following bool      `orm:"-" json:"following"`
}

// Article is a post, identified in URLs by its slug, and the JSON shape of the spec's
// Article, with TagList, Favorited and FavoritesCount computed for the reader.
type Article struct {
	ID             int64     `orm:"pk" json:"-"`
	Slug           string    `orm:"size=255,unique" json:"slug"`
	Title          string    `orm:"size=255" json:"title"`
	Description    string    `orm:"text" json:"description"`
	Body           string    `orm:"text" json:"body,omitempty"` // left out of lists, as the spec says
	TagList        []string  `orm:"-" json:"tagList"`
	CreatedAt      time.Time `orm:"index" json:"createdAt"`
	UpdatedAt      time.Time `json:"updatedAt"`
	Favorited      bool      `orm:"-" json:"favorited"`
	FavoritesCount int       `orm:"-" json:"favoritesCount"`
	AuthorID       int64     `orm:"fk=Profile,ondelete=cascade" json:"-"`
	Author         *Profile  `json:"author"`
	Tags           []Tag     `orm:"m2m=article_tags" json:"-"`
	FavoritedBy    []Profile `orm:"m2m=favorites" json:"-"`
}

// Tag is a label shared by articles.
type Tag struct {
	orm.Model
	Name string `orm:"size=100,unique"`
}

// Comment is a reader's comment on an article, in the spec's JSON shape.
type Comment struct {
	ID        int64     `orm:"pk" json:"id"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	Body      string    `orm:"text" json:"body"`
	ArticleID int64     `orm:"fk=Article,ondelete=cascade" json:"-"`
	AuthorID  int64     `orm:"fk=Profile,ondelete=cascade" json:"-"`
	Author    *Profile  `json:"author"`
}

// follows reports whether the reader (nil when anonymous) follows p.
func (reader *Profile) follows(p *Profile) bool {
	return reader != nil && slices.ContainsFunc(reader.Follows, func(f Profile) bool { return f.ID == p.ID })
}

// present fills the fields computed for the reader: tag names (sorted), favourites, and
// whether the reader follows the author. Author, Tags and FavoritedBy must be loaded.
func (a *Article) present(reader *Profile) {
	a.TagList = make([]string, len(a.Tags))
	for i, t := range a.Tags {
		a.TagList[i] = t.Name
	}
	slices.Sort(a.TagList)
	a.FavoritesCount = len(a.FavoritedBy)
	a.Favorited = reader != nil && slices.ContainsFunc(a.FavoritedBy, func(p Profile) bool { return p.ID == reader.ID })
	a.Author.Following = reader.follows(a.Author)
}
