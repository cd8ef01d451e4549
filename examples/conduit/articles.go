package main

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/sinewdev/sinew/api"
	"github.com/sinewdev/sinew/auth"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/web"
)

type articleReply struct {
	Article *Article `json:"article"`
}

type articlesReply struct {
	Articles      []Article `json:"articles"`
	ArticlesCount int64     `json:"articlesCount"`
}

type feedQuery struct {
	Limit  int `query:"limit" default:"20" validate:"min=1,max=100"`
	Offset int `query:"offset" default:"0" validate:"min=0"`
}

type listQuery struct {
	Tag       string `query:"tag"`
	Author    string `query:"author"`
	Favorited string `query:"favorited"`
	Limit     int    `query:"limit" default:"20" validate:"min=1,max=100"`
	Offset    int    `query:"offset" default:"0" validate:"min=0"`
}

type bySlug struct {
	Slug string `path:"slug"`
}

type newArticle struct {
	Body struct {
		Article struct {
			Title       string   `json:"title" validate:"required,max=255"`
			Description string   `json:"description" validate:"required"`
			Body        string   `json:"body" validate:"required"`
			TagList     []string `json:"tagList" validate:"max=20"`
		} `json:"article"`
	}
}

type articleUpdate struct {
	Slug string `path:"slug"`
	Body struct {
		Article struct {
			Title       *string `json:"title" validate:"min=1,max=255"`
			Description *string `json:"description"`
			Body        *string `json:"body"`
		} `json:"article"`
	}
}

type tagsReply struct {
	Tags []string `json:"tags"`
}

func articles(a *api.API) {
	tags := []string{"Articles"}
	api.Get(a, "/articles", listArticles, api.Op{ID: "GetArticles", Tags: tags})
	api.Get(a, "/articles/feed", feed, api.Op{ID: "GetArticlesFeed", Tags: tags, Security: login})
	api.Post(a, "/articles", createArticle, api.Op{ID: "CreateArticle", Tags: tags, Security: login, Status: http.StatusCreated})
	api.Get(a, "/articles/{slug}", getArticle, api.Op{ID: "GetArticle", Tags: tags, Errors: []int{404}})
	api.Put(a, "/articles/{slug}", updateArticle, api.Op{ID: "UpdateArticle", Tags: tags, Security: login, Errors: []int{404}})
	api.Delete(a, "/articles/{slug}", deleteArticle, api.Op{ID: "DeleteArticle", Tags: tags, Security: login, Status: http.StatusNoContent, Errors: []int{404}})
	tags = []string{"Favorites"}
	api.Post(a, "/articles/{slug}/favorite", favorite(orm.Link[Article, Profile]), api.Op{ID: "CreateArticleFavorite", Tags: tags, Security: login, Errors: []int{404}})
	api.Delete(a, "/articles/{slug}/favorite", favorite(orm.Unlink[Article, Profile]), api.Op{ID: "DeleteArticleFavorite", Tags: tags, Security: login, Errors: []int{404}})
	api.Get(a, "/tags", listTags, api.Op{ID: "GetTags", Tags: []string{"Tags"}})
}

func listArticles(ctx context.Context, in *listQuery) (*articlesReply, error) {
	q := orm.Q[Article](ctx)
	if in.Tag != "" {
		q.Where("id IN (SELECT article_id FROM article_tags JOIN tags ON tags.id = article_tags.tag_id WHERE tags.name = ?)", in.Tag)
	}
	if in.Author != "" {
		q.Where("author_id IN (SELECT id FROM profiles WHERE username = ?)", in.Author)
	}
	if in.Favorited != "" {
		q.Where("id IN (SELECT article_id FROM favorites JOIN profiles ON profiles.id = favorites.profile_id WHERE profiles.username = ?)", in.Favorited)
	}
	return list(ctx, q, in.Limit, in.Offset)
}

func feed(ctx context.Context, in *feedQuery) (*articlesReply, error) {
	q := orm.Q[Article](ctx).Where("author_id IN (SELECT follow_id FROM follows JOIN profiles ON profiles.id = follows.profile_id WHERE profiles.user_id = ?)",
		auth.CurrentUser(api.Ctx(ctx)).ID)
	return list(ctx, q, in.Limit, in.Offset)
}

// list answers one page of q's articles, newest first, with the total count.
func list(ctx context.Context, q *orm.Query[Article], limit, offset int) (*articlesReply, error) {
	me, err := reader(ctx)
	if err != nil {
		return nil, err
	}
	n, err := q.Clone().Count()
	if err != nil {
		return nil, err
	}
	// Lists leave the body out, as the spec says.
	page, err := q.OrderBy("-created_at", "-id").Limit(limit).Offset(offset).Prefetch("Author", "Tags", "FavoritedBy").
		Select("slug", "title", "description", "created_at", "updated_at", "author_id").All()
	for i := range page {
		page[i].present(me)
	}
	return &articlesReply{page, n}, err
}

// load answers the article slug names, as me sees it.
func load(ctx context.Context, slug string, me *Profile) (*articleReply, error) {
	a, err := orm.Q[Article](ctx).Filter("slug", slug).Prefetch("Author", "Tags", "FavoritedBy").First()
	if err != nil {
		return nil, err
	}
	a.present(me)
	return &articleReply{a}, nil
}

func getArticle(ctx context.Context, in *bySlug) (*articleReply, error) {
	me, err := reader(ctx)
	if err != nil {
		return nil, err
	}
	return load(ctx, in.Slug, me)
}

func createArticle(ctx context.Context, in *newArticle) (*articleReply, error) {
	me, err := reader(ctx)
	if err != nil {
		return nil, err
	}
	n := in.Body.Article
	a := &Article{Slug: slugify(n.Title), Title: n.Title, Description: n.Description, Body: n.Body, AuthorID: me.ID}
	err = orm.FromContext(ctx).Tx(ctx, func(ctx context.Context) error {
		if err := orm.Create(ctx, a); err != nil {
			return err
		}
		tags := []*Tag{}
		for _, name := range n.TagList {
			t := &Tag{Name: strings.TrimSpace(name)}
			if t.Name == "" {
				continue
			}
			if err := orm.Upsert(ctx, t, []string{"name"}, nil); err != nil {
				return err
			}
			tags = append(tags, t)
		}
		return orm.Link(ctx, a, "Tags", tags...)
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, a.Slug, me)
}

// find returns the reader (nil when anonymous) and the article slug names; when mine is
// set, articles the reader did not write are refused with 403.
func find(ctx context.Context, slug string, mine bool) (*Profile, *Article, error) {
	me, err := reader(ctx)
	if err != nil {
		return nil, nil, err
	}
	a, err := orm.Q[Article](ctx).Filter("slug", slug).First()
	if err == nil && mine && a.AuthorID != me.ID {
		err = web.Error(http.StatusForbidden, "only the author may change this article")
	}
	return me, a, err
}

func updateArticle(ctx context.Context, in *articleUpdate) (*articleReply, error) {
	me, a, err := find(ctx, in.Slug, true)
	if err != nil {
		return nil, err
	}
	f := in.Body.Article
	if f.Title != nil && *f.Title != a.Title {
		a.Title, a.Slug = *f.Title, slugify(*f.Title)
	}
	set(&a.Description, f.Description)
	set(&a.Body, f.Body)
	if err := orm.Save(ctx, a, "slug", "title", "description", "body"); err != nil {
		return nil, err
	}
	return load(ctx, a.Slug, me)
}

func deleteArticle(ctx context.Context, in *bySlug) (*struct{}, error) {
	_, a, err := find(ctx, in.Slug, true)
	if err != nil {
		return nil, err
	}
	return nil, orm.Delete(ctx, a) // comments, tags and favourites go with it (ON DELETE CASCADE)
}

// favorite answers the article after link (orm.Link or orm.Unlink) changed the reader's
// favourite.
func favorite(link func(context.Context, *Article, string, ...*Profile) error) api.Handler[bySlug, articleReply] {
	return func(ctx context.Context, in *bySlug) (*articleReply, error) {
		me, a, err := find(ctx, in.Slug, false)
		if err == nil {
			err = link(ctx, a, "FavoritedBy", me)
		}
		if err != nil {
			return nil, err
		}
		return load(ctx, in.Slug, me)
	}
}

func listTags(ctx context.Context, _ *struct{}) (*tagsReply, error) {
	names, err := orm.Raw[string](ctx, "SELECT name FROM tags ORDER BY name")
	return &tagsReply{names}, err
}

// slugify turns a title into a URL segment ("How to train your dragon" →
// "how-to-train-your-dragon-k3x9z1"); the random suffix keeps equal titles apart.
func slugify(title string) string {
	words := strings.FieldsFunc(strings.ToLower(title), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	base := strings.Join(words, "-")
	if len(base) > 200 {
		base = strings.ToValidUTF8(base[:200], "")
	}
	return base + "-" + strconv.FormatUint(rand.Uint64()>>24, 36)
}
