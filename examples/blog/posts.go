package main

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/auth"
	"github.com/sinewdev/sinew/form"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/session"
	"github.com/sinewdev/sinew/validate"
	"github.com/sinewdev/sinew/web"
)

// perPage is the number of posts on a page of the lists.
const perPage = 10

// postForm is the form that writes and edits posts. Its rules are checked on the server
// and rendered as the browser's hints (required, maxlength); "tags" is the blog's own
// rule (see newValidator).
type postForm struct {
	Title string `form:"title" validate:"required,max=200"`
	Body  string `form:"body" widget:"textarea" help:"Markdown: **bold**, _italic_, [links](https://go.dev), lists, code." validate:"required,max=20000"`
	Tags  string `form:"tags" help:"Up to 5, separated by commas: go, web, databases." validate:"max=200,tags"`
}

// newValidator returns the validator of the blog's forms: the built-in rules, and "tags",
// which checks a comma-separated list of tags.
func newValidator() *validate.Validator {
	return validate.New(validate.Config{
		Funcs: map[string]validate.Func{
			"tags": func(_ context.Context, v reflect.Value, _ string) (bool, error) {
				return tagsProblem(v.String()) == "", nil
			},
		},
		Message: func(e *validate.FieldError) string {
			if e.Code == "tags" {
				return tagsProblem(fmt.Sprint(e.Value))
			}
			return "" // the built-in message
		},
	})
}

// tagsProblem says what is wrong with a list of tags, "" when nothing is.
func tagsProblem(list string) string {
	names := tagNames(list)
	if len(names) > 5 {
		return "At most 5 tags."
	}
	for _, n := range names {
		if utf8.RuneCountInString(n) > 30 || strings.ContainsFunc(n, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("-+#.", r)
		}) {
			return fmt.Sprintf("%q: a tag has at most 30 letters, digits, and - + # . signs.", n)
		}
	}
	return ""
}

// tagNames splits a comma-separated list of tags: lower-cased, spaces inside a tag turned
// into dashes, without duplicates, in the order typed.
func tagNames(list string) []string {
	var names []string
	for n := range strings.SplitSeq(list, ",") {
		n = strings.ToLower(strings.Join(strings.Fields(n), "-"))
		if n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names
}

// commentForm is the form under a post.
type commentForm struct {
	Body string `form:"body" label:"Your comment" widget:"textarea" help:"Markdown works here too." validate:"required,max=5000"`
}

// routes registers the blog's pages. Reading is open to everyone; writing needs a login
// (auth.RequireLogin sends visitors to /auth/login and back).
func (b *blog) routes(app *sinew.App) {
	app.GET("/", b.index).Name("home")
	app.GET("/tags/{name}", b.tagged).Name("tag")
	app.GET("/posts/{id}", b.show).Name("post")
	app.GET("/feed.xml", b.feed).Name("feed")

	users := app.With(auth.RequireLogin)
	users.GET("/posts/new", b.newPost).Name("posts.new")
	users.POST("/posts", b.createPost).Name("posts.create")
	users.GET("/posts/{id}/edit", b.editPost).Name("posts.edit")
	users.POST("/posts/{id}", b.updatePost).Name("posts.update")
	users.POST("/posts/{id}/delete", b.deletePost).Name("posts.delete")
	users.POST("/posts/{id}/comments", b.createComment).Name("comments.create")
}

// pager is the pagination of a list: the page shown, the number of pages, and the
// neighbours (0 when there is none).
type pager struct {
	Page, Pages, Prev, Next int
}

// paginate runs q for the page named by ?page=, newest first: a page that is not a
// positive number is a 400, a page past the last a 404.
func paginate(c *web.Ctx, q *orm.Query[Post]) ([]Post, pager, error) {
	p := pager{Page: 1}
	if s := c.Query("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return nil, p, web.Error(http.StatusBadRequest, "page: a whole number from 1")
		}
		p.Page = n
	}
	total, err := q.Clone().Count()
	if err != nil {
		return nil, p, err
	}
	p.Pages = max(1, int((total+perPage-1)/perPage))
	if p.Page > p.Pages {
		return nil, p, web.ErrNotFound
	}
	if p.Page > 1 {
		p.Prev = p.Page - 1
	}
	if p.Page < p.Pages {
		p.Next = p.Page + 1
	}
	posts, err := q.OrderBy("-created_at", "-id").Prefetch("Author", "Tags").
		Limit(perPage).Offset((p.Page - 1) * perPage).All()
	return posts, p, err
}

// index lists the posts, newest first.
func (b *blog) index(c *web.Ctx) error {
	posts, p, err := paginate(c, orm.Q[Post](c))
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "posts/index.html", map[string]any{"Posts": posts, "Pager": p})
}

// tagged lists the posts with one tag.
func (b *blog) tagged(c *web.Ctx) error {
	tag, err := orm.Q[Tag](c).Filter("name", strings.ToLower(c.Param("name"))).First()
	if err != nil {
		return err // orm.ErrNotFound answers 404
	}
	q := orm.Q[Post](c).Where("id IN (SELECT post_id FROM post_tags WHERE tag_id = ?)", tag.ID)
	posts, p, err := paginate(c, q)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "posts/index.html", map[string]any{"Posts": posts, "Pager": p, "Tag": tag})
}

// show renders a post with its comments and, for a signed-in reader, the comment form.
func (b *blog) show(c *web.Ctx) error {
	f, err := b.forms.For(&commentForm{})
	if err != nil {
		return err
	}
	return b.renderPost(c, http.StatusOK, f)
}

// renderPost renders the post of the URL with the comment form f.
func (b *blog) renderPost(c *web.Ctx, status int, f *form.Form) error {
	post, err := orm.Q[Post](c).Prefetch("Author", "Tags", "Comments.Author").Get(c.Param("id"))
	if err != nil {
		return err
	}
	slices.SortFunc(post.Comments, func(a, b Comment) int { return cmp.Compare(a.ID, b.ID) }) // oldest first
	return c.Render(status, "posts/show.html", map[string]any{
		"Post": post, "Form": f, "CanEdit": canEdit(c, post),
	})
}

// canEdit reports whether the signed-in user may edit post: its author or a superuser.
func canEdit(c *web.Ctx, post *Post) bool {
	u := auth.CurrentUser(c)
	return u != nil && (u.ID == post.AuthorID || u.IsSuperuser)
}

// renderForm renders the post form: post is nil for a new post.
func (b *blog) renderForm(c *web.Ctx, status int, post *Post, f *form.Form) error {
	return c.Render(status, "posts/form.html", map[string]any{"Post": post, "Form": f})
}

// newPost shows an empty post form.
func (b *blog) newPost(c *web.Ctx) error {
	f, err := b.forms.For(&postForm{})
	if err != nil {
		return err
	}
	return b.renderForm(c, http.StatusOK, nil, f)
}

// createPost saves a new post and its tags, or shows the form again with its errors and
// the values as typed (422).
func (b *blog) createPost(c *web.Ctx) error {
	var in postForm
	f, err := b.forms.Bind(c, c.Request, &in)
	if err != nil {
		return err // 413 for a body over the limit, 415 for a body that is not a form
	}
	defer f.Close()
	if !f.Valid() {
		return b.renderForm(c, http.StatusUnprocessableEntity, nil, f)
	}
	post := &Post{Title: in.Title, Body: in.Body, AuthorID: auth.CurrentUser(c).ID}
	err = orm.FromContext(c).Tx(c, func(ctx context.Context) error {
		if err := orm.Create(ctx, post); err != nil {
			return err
		}
		return setTags(ctx, post, tagNames(in.Tags))
	})
	if err != nil {
		return err
	}
	_ = session.From(c).AddFlash("success", "Your post is published.")
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/posts/%d", post.ID))
}

// editable loads the post of the URL for its author (or a superuser); others get 403.
func editable(c *web.Ctx) (*Post, error) {
	post, err := orm.Q[Post](c).Prefetch("Tags").Get(c.Param("id"))
	if err != nil {
		return nil, err
	}
	if !canEdit(c, post) {
		return nil, web.Error(http.StatusForbidden, "Only the author of a post may edit it.")
	}
	return post, nil
}

// editPost shows the post form filled with the post.
func (b *blog) editPost(c *web.Ctx) error {
	post, err := editable(c)
	if err != nil {
		return err
	}
	names := make([]string, len(post.Tags))
	for i, t := range post.Tags {
		names[i] = t.Name
	}
	f, err := b.forms.For(&postForm{Title: post.Title, Body: post.Body, Tags: strings.Join(names, ", ")})
	if err != nil {
		return err
	}
	return b.renderForm(c, http.StatusOK, post, f)
}

// updatePost saves the edited post, or shows the form again with its errors.
func (b *blog) updatePost(c *web.Ctx) error {
	post, err := editable(c)
	if err != nil {
		return err
	}
	var in postForm
	f, err := b.forms.Bind(c, c.Request, &in)
	if err != nil {
		return err
	}
	defer f.Close()
	if !f.Valid() {
		return b.renderForm(c, http.StatusUnprocessableEntity, post, f)
	}
	post.Title, post.Body = in.Title, in.Body
	err = orm.FromContext(c).Tx(c, func(ctx context.Context) error {
		if err := orm.Save(ctx, post, "Title", "Body"); err != nil {
			return err
		}
		return setTags(ctx, post, tagNames(in.Tags))
	})
	if err != nil {
		return err
	}
	_ = session.From(c).AddFlash("success", "Your changes are saved.")
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/posts/%d", post.ID))
}

// deletePost deletes the post, with its comments and tag links (ON DELETE CASCADE).
func (b *blog) deletePost(c *web.Ctx) error {
	post, err := editable(c)
	if err != nil {
		return err
	}
	if err := orm.Delete(c, post); err != nil {
		return err
	}
	_ = session.From(c).AddFlash("success", fmt.Sprintf("“%s” is deleted.", post.Title))
	return c.Redirect(http.StatusSeeOther, "/")
}

// setTags makes post's tags the ones named, creating the tags that do not exist yet.
// post.Tags must hold its current tags (none for a new post).
func setTags(ctx context.Context, post *Post, names []string) error {
	var stale []*Tag
	for i := range post.Tags {
		if !slices.Contains(names, post.Tags[i].Name) {
			stale = append(stale, &post.Tags[i])
		}
	}
	if len(stale) > 0 {
		if err := orm.Unlink(ctx, post, "Tags", stale...); err != nil {
			return err
		}
	}
	if len(names) == 0 {
		return nil
	}
	tags := make([]*Tag, len(names))
	for i, n := range names {
		// Insert the tag, or get the key of the existing one: one statement, so two posts
		// introducing the same tag at the same moment both succeed.
		tags[i] = &Tag{Name: n}
		if err := orm.Upsert(ctx, tags[i], []string{"Name"}, nil); err != nil {
			return err
		}
	}
	return orm.Link(ctx, post, "Tags", tags...) // pairs already linked are kept
}

// createComment adds the reader's comment to a post, or shows the post again with the
// comment form's errors.
func (b *blog) createComment(c *web.Ctx) error {
	post, err := orm.Q[Post](c).Select("id").Get(c.Param("id"))
	if err != nil {
		return err
	}
	var in commentForm
	f, err := b.forms.Bind(c, c.Request, &in)
	if err != nil {
		return err
	}
	defer f.Close()
	if !f.Valid() {
		return b.renderPost(c, http.StatusUnprocessableEntity, f)
	}
	comment := &Comment{Body: in.Body, PostID: post.ID, AuthorID: auth.CurrentUser(c).ID}
	if err := orm.Create(c, comment); err != nil {
		return err
	}
	_ = session.From(c).AddFlash("success", "Thanks for your comment.")
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/posts/%d#comment-%d", post.ID, comment.ID))
}
