package ormtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/sinewdev/sinew/orm"
)

func testPrefetch(t *testing.T, e *env) {
	ann, bob := e.author("Ann"), e.author("Bob")
	var posts []*Post
	for i := 0; i < 6; i++ {
		a := ann
		if i%2 == 1 {
			a = bob
		}
		posts = append(posts, e.post(a, fmt.Sprintf("post %d", i), int64(i)))
	}
	tags := []*Tag{{Name: "go"}, {Name: "sql"}, {Name: "web"}}
	for _, tg := range tags {
		e.must(orm.Create(e.ctx, tg))
	}
	for i, p := range posts {
		for j := 0; j <= i%3; j++ {
			e.must(orm.Link(e.ctx, p, "Tags", tags[j]))
		}
		for j := 0; j < i; j++ {
			c := &Comment{PostID: p.ID, Body: fmt.Sprintf("c%d.%d", i, j)}
			if j%2 == 0 {
				c.AuthorID = &bob.ID
			}
			e.must(orm.Create(e.ctx, c))
		}
	}

	tr := trackerCtx(e)
	got, err := orm.Q[Post](tr.ctx).OrderBy("views").Prefetch("Author", "Comments.Author", "Tags").All()
	e.must(err)
	// One query for the posts, one per relation: Author, Comments, Comments.Author, Tags.
	eq(t, "queries", tr.t.Queries(), 5)
	for i, p := range got {
		wantAuthor := "Ann"
		if i%2 == 1 {
			wantAuthor = "Bob"
		}
		if p.Author == nil || p.Author.Name != wantAuthor {
			t.Errorf("post %d author = %+v", i, p.Author)
		}
		if len(p.Comments) != i {
			t.Errorf("post %d has %d comments, want %d", i, len(p.Comments), i)
		}
		for j, c := range p.Comments {
			if c.Body != fmt.Sprintf("c%d.%d", i, j) {
				t.Errorf("post %d comment %d = %q", i, j, c.Body)
			}
			if (j%2 == 0) != (c.Author != nil) || c.Author != nil && c.Author.Name != "Bob" {
				t.Errorf("post %d comment %d author = %+v", i, j, c.Author)
			}
		}
		if len(p.Tags) != i%3+1 {
			t.Errorf("post %d has %d tags, want %d", i, len(p.Tags), i%3+1)
		}
		for j, tg := range p.Tags {
			if tg.Name != tags[j].Name {
				t.Errorf("post %d tag %d = %q", i, j, tg.Name)
			}
		}
	}
	if p := got[0]; p.Comments == nil {
		t.Error("a post without comments got a nil slice, want an empty one")
	}

	// The other direction: has-many and the shared join table.
	tr.t.Reset()
	authors, err := orm.Q[Author](tr.ctx).OrderBy("name").Prefetch("Posts.Tags").All()
	e.must(err)
	eq(t, "author queries", tr.t.Queries(), 3)
	eq(t, "ann posts", len(authors[0].Posts), 3)
	eq(t, "ann post 0 tags", len(authors[0].Posts[0].Tags), 1)
	tagged, err := orm.Q[Tag](e.ctx).Filter("name", "web").Prefetch("Posts").All()
	e.must(err)
	eq(t, "posts tagged web", len(tagged[0].Posts), 2)

	// First and Get with prefetch.
	one, err := orm.Q[Post](e.ctx).Filter("id", posts[5].ID).Prefetch("Comments").First()
	e.must(err)
	eq(t, "first with comments", len(one.Comments), 5)
	if _, err := orm.Q[Post](e.ctx).Prefetch("Bogus").All(); err == nil {
		t.Error("unknown relation accepted")
	}
	if _, err := orm.Q[Post](e.ctx).Prefetch("Comments.Bogus").All(); err == nil {
		t.Error("unknown nested relation accepted")
	}
}

func testManyToMany(t *testing.T, e *env) {
	a := e.author("Ann")
	p := e.post(a, "p", 1)
	goTag, sqlTag := &Tag{Name: "go"}, &Tag{Name: "sql"}
	e.must(orm.Create(e.ctx, goTag))
	e.must(orm.Create(e.ctx, sqlTag))
	e.must(orm.Link(e.ctx, p, "Tags", goTag, sqlTag))
	e.must(orm.Link(e.ctx, p, "Tags", goTag)) // already linked: no error, no duplicate
	count := func() int {
		t.Helper()
		got, err := orm.Q[Post](e.ctx).Prefetch("Tags").Get(p.ID)
		e.must(err)
		return len(got.Tags)
	}
	eq(t, "linked", count(), 2)
	e.must(orm.Unlink(e.ctx, p, "Tags", goTag))
	eq(t, "after unlink", count(), 1)
	e.must(orm.Unlink[Post, Tag](e.ctx, p, "Tags"))
	eq(t, "unlink nothing", count(), 1)
	// From the other side of the shared join table.
	e.must(orm.Link(e.ctx, goTag, "Posts", p))
	eq(t, "linked from tag", count(), 2)

	if err := orm.Link(e.ctx, p, "Tags", &Tag{Name: "unsaved"}); err == nil {
		t.Error("linking an unsaved row")
	}
	if err := orm.Link(e.ctx, p, "Author", &Author{}); err == nil {
		t.Error("linking through a belongs-to relation")
	}
	ghost := &Tag{Name: "ghost"}
	ghost.ID = 999999
	err := orm.Link(e.ctx, p, "Tags", ghost)
	wantErr[*orm.ForeignKeyViolation](t, err)
	// Deleting a post deletes its links (ON DELETE CASCADE on the join table).
	e.must(orm.Delete(e.ctx, p))
	again, err := orm.Q[Tag](e.ctx).Prefetch("Posts").Get(goTag.ID)
	e.must(err)
	eq(t, "links after delete", len(again.Posts), 0)
}

func testSelfRelations(t *testing.T, e *env) {
	root := &Category{Name: "root"}
	e.must(orm.Create(e.ctx, root))
	var kids []*Category
	for _, n := range []string{"a", "b"} {
		c := &Category{Name: n, ParentID: &root.ID}
		e.must(orm.Create(e.ctx, c))
		kids = append(kids, c)
	}
	e.must(orm.Link(e.ctx, kids[0], "Related", kids[1], root))
	tr := trackerCtx(e)
	cats, err := orm.Q[Category](tr.ctx).OrderBy("id").Prefetch("Parent", "Children.Children", "Related").All()
	e.must(err)
	eq(t, "queries", tr.t.Queries(), 5)
	eq(t, "root children", len(cats[0].Children), 2)
	eq(t, "root parent", cats[0].Parent == nil, true)
	if cats[1].Parent == nil || cats[1].Parent.Name != "root" {
		t.Errorf("a's parent = %+v", cats[1].Parent)
	}
	var related []string
	for _, r := range cats[1].Related {
		related = append(related, r.Name)
	}
	eq(t, "a related", strings.Join(related, ","), "root,b")
	eq(t, "b related", len(cats[2].Related), 0)
	// Deleting the root sets the children's parent to NULL.
	e.must(orm.Delete(e.ctx, root))
	a, err := orm.Q[Category](e.ctx).Get(kids[0].ID)
	e.must(err)
	eq(t, "orphaned", a.ParentID == nil, true)
}

func testTx(t *testing.T, e *env) {
	db := e.db
	count := func() int64 {
		t.Helper()
		n, err := orm.Q[Tag](e.ctx).Count()
		e.must(err)
		return n
	}
	e.must(db.Tx(e.ctx, func(ctx context.Context) error {
		if !orm.InTx(ctx) || orm.FromContext(ctx) != db {
			t.Error("context does not carry the transaction")
		}
		return orm.Create(ctx, &Tag{Name: "committed"})
	}))
	eq(t, "after commit", count(), int64(1))

	boom := errors.New("boom")
	err := db.Tx(e.ctx, func(ctx context.Context) error {
		e.must(orm.Create(ctx, &Tag{Name: "rolled back"}))
		n, err := orm.Q[Tag](ctx).Count()
		e.must(err)
		eq(t, "inside the transaction", n, int64(2))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Tx returned %v", err)
	}
	eq(t, "after rollback", count(), int64(1))

	// Nested: the inner failure rolls back only the inner part.
	e.must(db.Tx(e.ctx, func(ctx context.Context) error {
		e.must(orm.Create(ctx, &Tag{Name: "outer"}))
		err := db.Tx(ctx, func(ctx context.Context) error {
			e.must(orm.Create(ctx, &Tag{Name: "inner"}))
			return boom
		})
		if !errors.Is(err, boom) {
			t.Errorf("inner returned %v", err)
		}
		return db.Tx(ctx, func(ctx context.Context) error {
			return orm.Create(ctx, &Tag{Name: "inner ok"})
		})
	}))
	names, err := orm.Raw[string](e.ctx, "SELECT name FROM tags ORDER BY id")
	e.must(err)
	eq(t, "nested", strings.Join(names, ","), "committed,outer,inner ok")

	// A unique violation inside a savepoint leaves the transaction usable (PostgreSQL
	// would otherwise abort it).
	e.must(db.Tx(e.ctx, func(ctx context.Context) error {
		err := db.Tx(ctx, func(ctx context.Context) error { return orm.Create(ctx, &Tag{Name: "outer"}) })
		wantErr[*orm.UniqueViolation](t, err)
		return orm.Create(ctx, &Tag{Name: "after violation"})
	}))
	eq(t, "after savepoint violation", count(), int64(4))

	// A panic rolls back and propagates.
	func() {
		defer func() {
			if r := recover(); r != "kaboom" {
				t.Errorf("recovered %v", r)
			}
		}()
		_ = db.Tx(e.ctx, func(ctx context.Context) error {
			e.must(orm.Create(ctx, &Tag{Name: "panicked"}))
			panic("kaboom")
		})
	}()
	eq(t, "after panic", count(), int64(4))
	func() {
		defer func() { _ = recover() }()
		_ = db.Tx(e.ctx, func(ctx context.Context) error {
			e.must(orm.Create(ctx, &Tag{Name: "outer of nested panic"}))
			return db.Tx(ctx, func(ctx context.Context) error { panic("inner kaboom") })
		})
	}()
	eq(t, "after nested panic", count(), int64(4))

	// The database is usable after all that (no connection left in a transaction).
	e.must(orm.Create(e.ctx, &Tag{Name: "still fine"}))
}

func testHooks(t *testing.T, e *env) {
	hl := &hookLog{}
	ctx := context.WithValue(e.ctx, hookKey{}, hl)
	a := &Account{Owner: "hooked"}
	e.must(orm.Create(ctx, a))
	a.Balance = 5
	e.must(orm.Save(ctx, a))
	e.must(orm.Delete(ctx, a))
	eq(t, "order", strings.Join(hl.calls, ","),
		"BeforeCreate,Validate,AfterCreate,BeforeUpdate,Validate,AfterUpdate,BeforeDelete,AfterDelete")

	count := func() int64 {
		n, err := orm.Q[Account](e.ctx).Count()
		e.must(err)
		return n
	}
	for _, failOn := range []string{"BeforeCreate", "Validate", "AfterCreate"} {
		err := orm.Create(ctx, &Account{Owner: "x-" + failOn, FailOn: failOn})
		if err == nil || !strings.Contains(err.Error(), failOn) {
			t.Errorf("failing %s: %v", failOn, err)
		}
		eq(t, "rows after failing "+failOn, count(), int64(0))
	}
	if err := orm.Create(ctx, &Account{}); err == nil || !strings.Contains(err.Error(), "owner is required") {
		t.Errorf("validation: %v", err)
	}
	b := &Account{Owner: "b", Balance: 1}
	e.must(orm.Create(ctx, b))
	for _, failOn := range []string{"BeforeUpdate", "AfterUpdate"} {
		b.Balance, b.FailOn = 99, failOn
		if err := orm.Save(ctx, b); err == nil {
			t.Errorf("save failing %s succeeded", failOn)
		}
		got, err := orm.Q[Account](e.ctx).Get(b.ID)
		e.must(err)
		eq(t, "balance after failing "+failOn, got.Balance, int64(1))
	}
	b.Balance, b.FailOn = -1, ""
	if err := orm.Save(ctx, b); err == nil {
		t.Error("invalid save succeeded")
	}
	b.FailOn = "AfterDelete"
	if err := orm.Delete(ctx, b); err == nil {
		t.Error("delete with failing AfterDelete succeeded")
	}
	eq(t, "row kept after failing AfterDelete", count(), int64(1))
	// Hooks see the transaction they run in.
	e.must(e.db.Tx(ctx, func(ctx context.Context) error {
		return orm.Create(ctx, &Account{Owner: "in tx"})
	}))
}

func testViolations(t *testing.T, e *env) {
	a := e.author("Ann")
	p := e.post(a, "unique", 1)

	err := orm.Create(e.ctx, &Post{Title: "dup", Slug: p.Slug, AuthorID: a.ID})
	uv := wantErr[*orm.UniqueViolation](t, err)
	eq(t, "unique table", uv.Table, "posts")
	eq(t, "unique columns", strings.Join(uv.Columns, ","), "slug")
	eq(t, "unique status", uv.StatusCode(), 409)

	dupKey := &Tag{Name: "k1"}
	e.must(orm.Create(e.ctx, dupKey))
	sameID := &Tag{Name: "k2"}
	sameID.ID = dupKey.ID
	uv = wantErr[*orm.UniqueViolation](t, orm.Create(e.ctx, sameID))
	eq(t, "primary key columns", strings.Join(uv.Columns, ","), "id")

	err = orm.Create(e.ctx, &Comment{PostID: 424242, Body: "orphan"})
	fk := wantErr[*orm.ForeignKeyViolation](t, err)
	eq(t, "fk table", fk.Table, "comments")
	eq(t, "fk columns", strings.Join(fk.Columns, ","), "post_id")
	eq(t, "fk status", fk.StatusCode(), 409)

	c := &Comment{PostID: p.ID, Body: "keeps the post"}
	e.must(orm.Create(e.ctx, c))
	fk = wantErr[*orm.ForeignKeyViolation](t, orm.Delete(e.ctx, p))
	eq(t, "fk on delete table", fk.Table, "comments")
	eq(t, "fk on delete columns", strings.Join(fk.Columns, ","), "post_id")
	_, err = orm.Q[Post](e.ctx).Filter("id", p.ID).Delete()
	fk = wantErr[*orm.ForeignKeyViolation](t, err)
	eq(t, "fk on query delete columns", strings.Join(fk.Columns, ","), "post_id")
	c.PostID = 777777
	fk = wantErr[*orm.ForeignKeyViolation](t, orm.Save(e.ctx, c))
	eq(t, "fk on save", strings.Join(fk.Columns, ","), "post_id")
	_, err = orm.Q[Comment](e.ctx).Filter("id", c.ID).Update(orm.Set("post_id", 888888))
	fk = wantErr[*orm.ForeignKeyViolation](t, err)
	eq(t, "fk on query update", strings.Join(fk.Columns, ","), "post_id")

	_, err = orm.Exec(e.ctx, "UPDATE authors SET name = NULL WHERE id = ?", a.ID)
	nn := wantErr[*orm.NotNullViolation](t, err)
	eq(t, "not null column", nn.Column, "name")
	eq(t, "not null table", nn.Table, "authors")
	eq(t, "not null status", nn.StatusCode(), 422)
	_, err = orm.Q[Author](e.ctx).Update(orm.Set("name", nil))
	nn = wantErr[*orm.NotNullViolation](t, err)
	eq(t, "not null by Set", nn.Column, "name")

	// Inside a transaction, through a savepoint, violations are the same.
	e.must(e.db.Tx(e.ctx, func(ctx context.Context) error {
		err := e.db.Tx(ctx, func(ctx context.Context) error {
			return orm.Create(ctx, &Comment{PostID: 55555, Body: "x"})
		})
		fk := wantErr[*orm.ForeignKeyViolation](t, err)
		eq(t, "fk in tx", strings.Join(fk.Columns, ","), "post_id")
		return nil
	}))
}

// testCheck creates a table with a CHECK constraint by hand (the ORM does not declare them).
func testCheck(t *testing.T, open Opener) {
	reg := orm.NewRegistry()
	if err := reg.Register(Gauge{}); err != nil {
		t.Fatal(err)
	}
	db := open(t, orm.Config{Registry: reg})
	d := db.Dialect()
	m := reg.Meta("Gauge")
	var cols []string
	for _, f := range m.Fields {
		if f.PrimaryKey {
			cols = append(cols, d.Quote(f.Column)+" "+d.IdentityColumn(f))
			continue
		}
		cols = append(cols, d.Quote(f.Column)+" "+d.ColumnType(f)+" NOT NULL")
	}
	cols = append(cols, "CONSTRAINT gauges_level_check CHECK (level >= 0)")
	ctx := orm.WithDB(context.Background(), db)
	if _, err := orm.Exec(ctx, "CREATE TABLE gauges ("+strings.Join(cols, ", ")+")"); err != nil {
		t.Fatal(err)
	}
	g := &Gauge{Level: 3}
	if err := orm.Create(ctx, g); err != nil {
		t.Fatal(err)
	}
	g.Level = -1
	err := orm.Save(ctx, g)
	cv := wantErr[*orm.CheckViolation](t, err)
	eq(t, "check column", cv.Column, "level")
	eq(t, "check constraint", cv.Constraint, "gauges_level_check")
	eq(t, "check table", cv.Table, "gauges")
	eq(t, "check status", cv.StatusCode(), 422)
	got, err := orm.Q[Gauge](ctx).Get(g.ID)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "level kept", got.Level, int64(3))
}

type typoModel struct {
	orm.Model
	Title string `orm:"sise=100"`
	Owner int64  `orm:"fk=Nobody"`
	Tags  []Tag  `orm:"m2n"`
}

// testRegistration checks that tag typos are reported at registration, before any database
// work, and that a registry that refused a model is still usable.
func testRegistration(t *testing.T, open Opener) {
	reg := orm.NewRegistry()
	err := reg.Register(typoModel{}, Tag{})
	for _, want := range []string{
		`orm: typoModel.Title: unknown tag option "sise" (did you mean "size"?)`,
		`orm: typoModel.Tags: unknown tag option "m2n" (did you mean "m2m"?)`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Register: %v\nwant %s", err, want)
		}
	}
	var me *orm.ModelError
	if !errors.As(err, &me) || me.Model != "typoModel" {
		t.Errorf("not a *ModelError: %#v", err)
	}
	if reg.Meta("Tag") != nil {
		t.Error("a failed Register registered the other models of the call")
	}
	type fixed struct {
		orm.Model
		Title string `orm:"size=100"`
		Owner int64  `orm:"fk=Nobody"`
	}
	if err := reg.Register(fixed{}); err == nil || !strings.Contains(err.Error(), "fk=Nobody: no model named Nobody") {
		t.Errorf("unknown fk target: %v", err)
	}
	if err := reg.Register(Models()...); err != nil {
		t.Fatal(err)
	}
	db := open(t, orm.Config{Registry: reg})
	e := &env{t: t, db: db, ctx: orm.WithDB(context.Background(), db)}
	e.must(db.CreateTables(e.ctx))
	e.must(orm.Create(e.ctx, &Tag{Name: "ok"}))
}

func testValueErrors(t *testing.T, e *env) {
	a := e.author("Ann")
	tests := []struct {
		name  string
		post  Post
		field string
	}{
		{"too long", Post{Title: strings.Repeat("é", 201)}, "Title"},
		{"bad choice", Post{Title: "x", Status: "deleted"}, "Status"},
		{"bad decimal", Post{Title: "x", Price: "12.345"}, "Price"},
		{"invalid utf8", Post{Title: "bad \xff utf8"}, "Title"},
		{"nul byte", Post{Title: "nul\x00byte"}, "Title"},
		{"subtitle too long", Post{Title: "x", Subtitle: ptr(strings.Repeat("s", 101))}, "Subtitle"},
	}
	for _, tt := range tests {
		p := tt.post
		p.Slug, p.AuthorID = slugify(tt.name), a.ID
		err := orm.Create(e.ctx, &p)
		ve := wantErr[*orm.ValueError](t, err)
		eq(t, tt.name+" field", ve.Field, tt.field)
		eq(t, tt.name+" status", ve.StatusCode(), 422)
	}
	// Exactly at the limit is fine, in characters rather than bytes.
	ok := &Post{Title: strings.Repeat("é", 200), Slug: "at-limit", AuthorID: a.ID}
	e.must(orm.Create(e.ctx, ok))
	got, err := orm.Q[Post](e.ctx).Get(ok.ID)
	e.must(err)
	eq(t, "title at the limit", got.Title, ok.Title)
	n, err := orm.Q[Post](e.ctx).Count()
	e.must(err)
	eq(t, "rows", n, int64(1))
	// A whole-table update with a bad value changes nothing.
	if _, err := orm.Q[Post](e.ctx).Update(orm.Set("title", strings.Repeat("x", 300))); err == nil {
		t.Error("update with an oversized value succeeded")
	}
}

func ptr[T any](v T) *T { return &v }

// hostile are classic injection strings.
func hostile() []string {
	return []string{
		"'; DROP TABLE posts; --",
		`" OR "1"="1`,
		"' OR '1'='1",
		"1; DELETE FROM authors",
		"Robert'); DROP TABLE students;--",
		`\'; DROP TABLE posts; --`,
		"%' OR 1=1 --",
		"`; DROP TABLE posts; --",
		"$1; SELECT pg_sleep(1)",
		"?",
		"/* comment */ title",
		"title) OR (1=1",
		"title__eq; DROP TABLE posts",
	}
}

func testInjection(t *testing.T, e *env) {
	a := e.author("Ann")
	for i, s := range hostile() {
		p := &Post{Title: s, Slug: fmt.Sprintf("inj-%d", i), Body: s, AuthorID: a.ID, Meta: PostMeta{Keywords: []string{s}}}
		e.must(orm.Create(e.ctx, p))
		got, err := orm.Q[Post](e.ctx).Filter("title", s).All()
		e.must(err)
		if len(got) != 1 || got[0].Title != s || got[0].Body != s || got[0].Meta.Keywords[0] != s {
			t.Errorf("value %q not stored verbatim: %+v", s, got)
		}
		for _, lookup := range []string{"title__contains", "title__icontains", "title__startswith", "title__iendswith"} {
			got, err := orm.Q[Post](e.ctx).Filter(lookup, s).All()
			e.must(err)
			if len(got) != 1 {
				t.Errorf("%s %q matched %d rows", lookup, s, len(got))
			}
		}
		got, err = orm.Raw[Post](e.ctx, "SELECT * FROM posts WHERE body = ?", s)
		e.must(err)
		eq(t, "raw", len(got), 1)
		_, err = orm.Q[Post](e.ctx).Filter("id", p.ID).Update(orm.Set("body", s+s))
		e.must(err)
		// Field and ordering names are rejected.
		_, err = orm.Q[Post](e.ctx).Filter(s, "x").All()
		wantErr[*orm.FieldError](t, err)
		_, err = orm.Q[Post](e.ctx).Filter("title__"+s, "x").All()
		wantErr[*orm.FieldError](t, err)
		_, err = orm.Q[Post](e.ctx).OrderBy(s).All()
		wantErr[*orm.FieldError](t, err)
		_, err = orm.Q[Post](e.ctx).OrderBy("-" + s).All()
		wantErr[*orm.FieldError](t, err)
		_, err = orm.Q[Post](e.ctx).Select(s).All()
		wantErr[*orm.FieldError](t, err)
		_, err = orm.Q[Post](e.ctx).Match(orm.F(s).Eq(1)).All()
		wantErr[*orm.FieldError](t, err)
		_, err = orm.Q[Post](e.ctx).Update(orm.Set(s, 1))
		wantErr[*orm.FieldError](t, err)
		_, err = orm.Aggregate[struct{ N int64 }](orm.Q[Post](e.ctx)).GroupBy(s).Count("n").All()
		wantErr[*orm.FieldError](t, err)
		if _, err := orm.Q[Post](e.ctx).Prefetch(s).All(); err == nil {
			t.Errorf("Prefetch(%q) accepted", s)
		}
		if err := orm.Upsert(e.ctx, &Tag{Name: "x"}, []string{s}, nil); err == nil {
			t.Errorf("Upsert conflict %q accepted", s)
		}
	}
	n, err := orm.Q[Post](e.ctx).Count()
	e.must(err)
	eq(t, "posts survive", n, int64(len(hostile())))
	n, err = orm.Q[Author](e.ctx).Count()
	e.must(err)
	eq(t, "authors survive", n, int64(1))
	// An oversized user-supplied name is rejected without echoing it whole.
	_, err = orm.Q[Post](e.ctx).Filter(strings.Repeat("x", 100000), 1).All()
	fe := wantErr[*orm.FieldError](t, err)
	if len(fe.Error()) > 1000 {
		t.Errorf("error message of %d bytes", len(fe.Error()))
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write is safe for concurrent use.
func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String is safe for concurrent use.
func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func testNPlusOne(t *testing.T, e *env) {
	// A database of its own, with the detector on and a logger to read.
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	db := e.db
	reg := db.Registry()
	// Reuse the open database's engine through a second handle with detection on.
	odb, err := orm.New(db.SQL(), db.Dialect(), orm.Config{Registry: reg, Logger: logger, DetectNPlusOne: true, NPlusOneThreshold: 3, Writer: db.Writer()})
	e.must(err)
	ctx, tr := orm.WithTracker(orm.WithDB(context.Background(), odb))
	a := e.author("Ann")
	var ids []int64
	for i := 0; i < 5; i++ {
		ids = append(ids, e.post(a, fmt.Sprintf("n%d", i), 1).ID)
	}
	for _, id := range ids {
		if _, err := orm.Q[Post](ctx).Get(id); err != nil {
			t.Fatal(err)
		}
	}
	out := buf.String()
	if strings.Count(out, "N+1") != 1 {
		t.Fatalf("want exactly one N+1 warning, got:\n%s", out)
	}
	if !strings.Contains(out, "safety.go") || !strings.Contains(out, "testNPlusOne") {
		t.Errorf("warning does not name the call site:\n%s", out)
	}
	eq(t, "queries counted", tr.Queries(), 5)
	// Prefetching does not trigger it.
	buf2 := buf.String()
	ctx2, _ := orm.WithTracker(orm.WithDB(context.Background(), odb))
	if _, err := orm.Q[Author](ctx2).Prefetch("Posts").All(); err != nil {
		t.Fatal(err)
	}
	if buf.String() != buf2 {
		t.Errorf("prefetch logged: %s", buf.String()[len(buf2):])
	}
}

func testConcurrentWriters(t *testing.T, e *env) {
	a := e.author("Ann")
	const workers, each = 16, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				p := &Post{Title: "c", Slug: fmt.Sprintf("c-%d-%d", w, i), AuthorID: a.ID}
				if err := orm.Create(e.ctx, p); err != nil {
					errs <- err
					continue
				}
				p.Views++
				if err := orm.Save(e.ctx, p); err != nil {
					errs <- err
				}
				if _, err := orm.Q[Post](e.ctx).Filter("author_id", a.ID).Count(); err != nil {
					errs <- err
				}
				if i%5 == 0 {
					err := e.db.Tx(e.ctx, func(ctx context.Context) error {
						_, err := orm.Q[Post](ctx).Filter("id", p.ID).Update(orm.SetExpr("views", "views + ?", 1))
						return err
					})
					if err != nil {
						errs <- err
					}
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	n, err := orm.Q[Post](e.ctx).Count()
	e.must(err)
	eq(t, "rows", n, int64(workers*each))
}

func testNoDB(t *testing.T, e *env) {
	ctx := context.Background()
	if _, err := orm.Q[Post](ctx).All(); !errors.Is(err, orm.ErrNoDB) {
		t.Errorf("Q without DB: %v", err)
	}
	if err := orm.Create(ctx, &Post{}); !errors.Is(err, orm.ErrNoDB) {
		t.Errorf("Create without DB: %v", err)
	}
	if _, err := orm.Raw[int](ctx, "SELECT 1"); !errors.Is(err, orm.ErrNoDB) {
		t.Errorf("Raw without DB: %v", err)
	}
	type unregistered struct {
		orm.Model
	}
	if _, err := orm.Q[unregistered](e.ctx).All(); !errors.Is(err, orm.ErrNotRegistered) {
		t.Errorf("unregistered model: %v", err)
	}
	if err := orm.Create[Post](e.ctx, nil); err == nil {
		t.Error("Create(nil) succeeded")
	}
	key, value := orm.ContextValue(e.db)
	if got := orm.FromContext(context.WithValue(ctx, key, value)); got != e.db {
		t.Error("ContextValue does not round-trip through FromContext")
	}
}
