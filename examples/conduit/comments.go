package main

import (
	"context"
	"net/http"

	"github.com/sinewdev/sinew/api"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/web"
)

type commentReply struct {
	Comment *Comment `json:"comment"`
}

type commentsReply struct {
	Comments []Comment `json:"comments"`
}

type newComment struct {
	Slug string `path:"slug"`
	Body struct {
		Comment struct {
			Body string `json:"body" validate:"required,max=10000"`
		} `json:"comment"`
	}
}

type byComment struct {
	Slug string `path:"slug"`
	ID   int64  `path:"id"`
}

func comments(a *api.API) {
	tags := []string{"Comments"}
	api.Get(a, "/articles/{slug}/comments", listComments, api.Op{ID: "GetArticleComments", Tags: tags, Errors: []int{404}})
	api.Post(a, "/articles/{slug}/comments", addComment, api.Op{ID: "CreateArticleComment", Tags: tags, Security: login, Errors: []int{404}})
	api.Delete(a, "/articles/{slug}/comments/{id}", deleteComment, api.Op{ID: "DeleteArticleComment", Tags: tags, Security: login, Status: http.StatusNoContent, Errors: []int{404}})
}

func listComments(ctx context.Context, in *bySlug) (*commentsReply, error) {
	me, a, err := find(ctx, in.Slug, false)
	if err != nil {
		return nil, err
	}
	list, err := orm.Q[Comment](ctx).Filter("article_id", a.ID).OrderBy("created_at", "id").Prefetch("Author").All()
	for i := range list {
		list[i].Author.Following = me.follows(list[i].Author)
	}
	return &commentsReply{list}, err
}

func addComment(ctx context.Context, in *newComment) (*commentReply, error) {
	me, a, err := find(ctx, in.Slug, false)
	if err != nil {
		return nil, err
	}
	c := &Comment{Body: in.Body.Comment.Body, ArticleID: a.ID, AuthorID: me.ID, Author: me}
	return &commentReply{c}, orm.Create(ctx, c)
}

func deleteComment(ctx context.Context, in *byComment) (*struct{}, error) {
	me, err := reader(ctx)
	if err != nil {
		return nil, err
	}
	c, err := orm.Q[Comment](ctx).Filter("id", in.ID).Where("article_id IN (SELECT id FROM articles WHERE slug = ?)", in.Slug).First()
	if err != nil {
		return nil, err
	}
	if c.AuthorID != me.ID {
		return nil, web.Error(http.StatusForbidden, "only the author may delete this comment")
	}
	return nil, orm.Delete(ctx, c)
}
