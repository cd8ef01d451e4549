package ormtest

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sinewdev/sinew/orm"
)

func testUpdateDeleteByQuery(t *testing.T, e *env) {
	_, _, posts := seed(e)
	before := posts[0].UpdatedAt
	time.Sleep(2 * time.Millisecond)
	n, err := orm.Q[Post](e.ctx).Filter("published", true).Update(orm.Set("status", "archived"), orm.SetExpr("views", "views + ?", 1))
	e.must(err)
	eq(t, "updated", n, int64(3))
	got, err := orm.Q[Post](e.ctx).Filter("status", "archived").OrderBy("views").All()
	e.must(err)
	eq(t, "archived", titles(got), "Alpha,Beta,Delta")
	eq(t, "views+1", got[0].Views, int64(11))
	if !got[0].UpdatedAt.After(before) {
		t.Errorf("UpdatedAt not bumped: %v", got[0].UpdatedAt)
	}
	// Matching rows whose values do not change still count (MySQL counts matched rows).
	n, err = orm.Q[Post](e.ctx).Filter("status", "archived").Update(orm.Set("status", "archived"), orm.Set("updated_at", before))
	e.must(err)
	eq(t, "matched unchanged", n, int64(3))

	n, err = orm.Q[Post](e.ctx).Filter("views__gte", 41).Delete()
	e.must(err)
	eq(t, "deleted", n, int64(2))
	left, err := orm.Q[Post](e.ctx).Count()
	e.must(err)
	eq(t, "left", left, int64(3))

	bad := []func() (int64, error){
		func() (int64, error) { return orm.Q[Post](e.ctx).Update() },
		func() (int64, error) { return orm.Q[Post](e.ctx).Update(orm.Set("nope", 1)) },
		func() (int64, error) { return orm.Q[Post](e.ctx).Update(orm.Set("id", 1)) },
		func() (int64, error) { return orm.Q[Post](e.ctx).Update(orm.Set("views", "many")) },
		func() (int64, error) { return orm.Q[Post](e.ctx).Update(orm.Set("title", nil)) },
		func() (int64, error) { return orm.Q[Post](e.ctx).Update(orm.Set("status", "bogus")) },
		func() (int64, error) { return orm.Q[Post](e.ctx).Limit(1).Update(orm.Set("views", 1)) },
		func() (int64, error) { return orm.Q[Post](e.ctx).OrderBy("id").Delete() },
	}
	for i, f := range bad {
		if _, err := f(); err == nil {
			t.Errorf("bad update/delete #%d succeeded", i)
		}
	}
	n, err = orm.Q[Post](e.ctx).Count()
	e.must(err)
	eq(t, "nothing changed by bad calls", n, int64(3))
}

func testCreateMany(t *testing.T, e *env) {
	a := e.author("Ann")
	const n = 2500 // more than one statement on every database
	rows := make([]Post, n)
	for i := range rows {
		rows[i] = Post{Title: fmt.Sprintf("bulk %d", i), Slug: fmt.Sprintf("bulk-%d", i), Views: int64(i), AuthorID: a.ID}
	}
	tr := trackerCtx(e)
	e.must(orm.CreateMany(tr.ctx, rows))
	seen := map[int64]bool{}
	for i, r := range rows {
		if r.ID == 0 || seen[r.ID] || r.CreatedAt.IsZero() || r.Status != "draft" {
			t.Fatalf("row %d = %+v", i, r)
		}
		seen[r.ID] = true
	}
	if q := tr.t.Queries(); q > 10 {
		t.Errorf("CreateMany of %d rows ran %d statements", n, q)
	}
	// The stored keys match the slice: row i has views i.
	for _, i := range []int{0, 999, 1000, 2499} {
		got, err := orm.Q[Post](e.ctx).Get(rows[i].ID)
		e.must(err)
		eq(t, fmt.Sprintf("row %d views", i), got.Views, int64(i))
	}
	// A duplicate in the last batch: nothing is written.
	dup := make([]Post, n)
	for i := range dup {
		dup[i] = Post{Title: "dup", Slug: fmt.Sprintf("dup-%d", i), AuthorID: a.ID}
	}
	dup[n-1].Slug = "dup-0"
	err := orm.CreateMany(e.ctx, dup)
	uv := wantErr[*orm.UniqueViolation](t, err)
	eq(t, "dup columns", strings.Join(uv.Columns, ","), "slug")
	count, err := orm.Q[Post](e.ctx).Filter("title", "dup").Count()
	e.must(err)
	eq(t, "rows written by a failed CreateMany", count, int64(0))

	// Explicit keys are kept.
	fixed := []Tag{{Name: "x"}, {Name: "y"}}
	fixed[0].ID, fixed[1].ID = 1000001, 1000002
	e.must(orm.CreateMany(e.ctx, fixed))
	tag, err := orm.Q[Tag](e.ctx).Get(1000002)
	e.must(err)
	eq(t, "explicit key", tag.Name, "y")
	mixed := []Tag{{Name: "m1"}, {Name: "m2"}}
	mixed[0].ID = 5
	if err := orm.CreateMany(e.ctx, mixed); err == nil {
		t.Error("CreateMany with some keys set succeeded")
	}
	// Hooks run per row; a failing Validate writes nothing.
	hl := &hookLog{}
	ctx := context.WithValue(e.ctx, hookKey{}, hl)
	accts := []Account{{Owner: "a"}, {Owner: "b"}}
	e.must(orm.CreateMany(ctx, accts))
	eq(t, "hooks", strings.Join(hl.calls, ","), "BeforeCreate,Validate,BeforeCreate,Validate,AfterCreate,AfterCreate")
	err = orm.CreateMany(ctx, []Account{{Owner: "c"}, {Owner: ""}})
	if err == nil || !strings.Contains(err.Error(), "owner is required") {
		t.Errorf("invalid row: %v", err)
	}
	c, err := orm.Q[Account](e.ctx).Count()
	e.must(err)
	eq(t, "accounts", c, int64(2))
	e.must(orm.CreateMany[Post](e.ctx, nil))
}

func testUpsert(t *testing.T, e *env) {
	tag := &Tag{Name: "go"}
	e.must(orm.Upsert(e.ctx, tag, []string{"name"}, nil))
	if tag.ID == 0 {
		t.Fatal("no key after insert")
	}
	first := tag.ID
	again := &Tag{Name: "go"}
	e.must(orm.Upsert(e.ctx, again, []string{"name"}, nil))
	eq(t, "same row", again.ID, first)
	n, err := orm.Q[Tag](e.ctx).Count()
	e.must(err)
	eq(t, "rows", n, int64(1))

	a := e.author("Ann")
	p := &Post{Title: "v1", Slug: "upsert", Views: 1, AuthorID: a.ID}
	e.must(orm.Upsert(e.ctx, p, []string{"slug"}, []string{"title", "views"}))
	p2 := &Post{Title: "v2", Slug: "upsert", Views: 2, Body: "not updated", AuthorID: a.ID}
	e.must(orm.Upsert(e.ctx, p2, []string{"slug"}, []string{"title", "views"}))
	eq(t, "upserted key", p2.ID, p.ID)
	got, err := orm.Q[Post](e.ctx).Get(p.ID)
	e.must(err)
	eq(t, "title", got.Title, "v2")
	eq(t, "views", got.Views, int64(2))
	eq(t, "body", got.Body, "")

	d := &Document{Title: "doc"}
	e.must(orm.Create(e.ctx, d))
	d2 := &Document{Title: "doc2"}
	d2.ID = d.ID
	e.must(orm.Upsert(e.ctx, d2, []string{"id"}, []string{"title"}))
	gotD, err := orm.Q[Document](e.ctx).Get(d.ID)
	e.must(err)
	eq(t, "uuid upsert", gotD.Title, "doc2")

	if err := orm.Upsert(e.ctx, &Tag{Name: "z"}, nil, nil); err == nil {
		t.Error("upsert without conflict fields")
	}
	if err := orm.Upsert(e.ctx, &Tag{Name: "z"}, []string{"nope"}, nil); err == nil {
		t.Error("upsert with unknown conflict field")
	}
}

func testSaveMany(t *testing.T, e *env) {
	a := e.author("Ann")
	posts := []Post{
		{Title: "one", Slug: "sm-1", Views: 1, Price: "1.00", AuthorID: a.ID},
		{Title: "two", Slug: "sm-2", Views: 2, Price: "2.00", AuthorID: a.ID},
		{Title: "three", Slug: "sm-3", Views: 3, Price: "3.00", AuthorID: a.ID},
	}
	e.must(orm.CreateMany(e.ctx, posts))
	before := posts[0].UpdatedAt
	// Different values per row, of several kinds (int, string, decimal, time, bool), one
	// statement; a field not named is left alone.
	for i := range posts {
		posts[i].Views += 10
		posts[i].Title = strings.ToUpper(posts[i].Title) + " O'Neil; DROP TABLE posts; --"
		posts[i].Price = fmt.Sprintf("%d.50", i)
		posts[i].Published = i%2 == 0
		posts[i].Body = "not saved"
	}
	n, err := orm.SaveMany(e.ctx, posts, "Views", "title", "Price", "Published")
	e.must(err)
	eq(t, "rows updated", n, int64(3))
	got, err := orm.Q[Post](e.ctx).Filter("slug__startswith", "sm-").OrderBy("id").All()
	e.must(err)
	for i, p := range got {
		eq(t, "views", p.Views, int64(i+11))
		eq(t, "title", p.Title, posts[i].Title)
		eq(t, "price", p.Price, fmt.Sprintf("%d.50", i))
		eq(t, "published", p.Published, i%2 == 0)
		eq(t, "body not named, not saved", p.Body, "")
		if !p.UpdatedAt.Equal(posts[i].UpdatedAt) || posts[i].UpdatedAt.Before(before) {
			t.Errorf("UpdatedAt: row %v, object %v, before the save %v", p.UpdatedAt, posts[i].UpdatedAt, before)
		}
	}

	// All fields; a key matching no row is skipped and counted out.
	posts[1].Body = "saved"
	ghost := posts[2]
	ghost.ID = 99999999
	n, err = orm.SaveMany(e.ctx, []Post{posts[1], ghost})
	e.must(err)
	eq(t, "rows found", n, int64(1))
	p1, err := orm.Q[Post](e.ctx).Get(posts[1].ID)
	e.must(err)
	eq(t, "all fields", p1.Body, "saved")

	// Refused before anything is written: no key, a key twice, an unknown field, the key
	// as a field.
	if _, err := orm.SaveMany(e.ctx, []Post{{Title: "new"}}); err == nil || !strings.Contains(err.Error(), "no primary key") {
		t.Errorf("row without key: %v", err)
	}
	if _, err := orm.SaveMany(e.ctx, []Post{posts[0], posts[0]}); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("duplicate key: %v", err)
	}
	if _, err := orm.SaveMany(e.ctx, posts, "views; DROP TABLE posts"); err == nil {
		t.Error("unknown field accepted")
	}
	if _, err := orm.SaveMany(e.ctx, posts, "id"); err == nil {
		t.Error("primary key accepted as a field")
	}
	n, err = orm.SaveMany[Post](e.ctx, nil)
	e.must(err)
	eq(t, "nothing to save", n, int64(0))

	// Hooks run per row, all Before/Validate first; a failing Validate writes nothing.
	hl := &hookLog{}
	ctx := context.WithValue(e.ctx, hookKey{}, hl)
	accts := []Account{{Owner: "a", Balance: 1}, {Owner: "b", Balance: 2}}
	e.must(orm.CreateMany(e.ctx, accts))
	accts[0].Balance, accts[1].Balance = 10, 20
	_, err = orm.SaveMany(ctx, accts, "Balance")
	e.must(err)
	eq(t, "hooks", strings.Join(hl.calls, ","), "BeforeUpdate,Validate,BeforeUpdate,Validate,AfterUpdate,AfterUpdate")
	accts[0].Balance, accts[1].Balance, accts[1].Owner = 100, 200, ""
	if _, err := orm.SaveMany(ctx, accts); err == nil || !strings.Contains(err.Error(), "owner is required") {
		t.Errorf("invalid row: %v", err)
	}
	sum, err := orm.Q[Account](e.ctx).Filter("balance__gte", 100).Count()
	e.must(err)
	eq(t, "rows written by a failed SaveMany", sum, int64(0))

	// A value too long for its column is a typed error, and nothing is written.
	posts[0].Title = strings.Repeat("x", 201)
	if _, err := orm.SaveMany(e.ctx, posts, "title"); err == nil {
		t.Error("a 201-character title was saved into size=200")
	}

	// More rows than one statement may carry: several batches, one transaction.
	many := make([]Tag, 3000)
	for i := range many {
		many[i].Name = fmt.Sprintf("tag-%d", i)
	}
	e.must(orm.CreateMany(e.ctx, many))
	for i := range many {
		many[i].Name = fmt.Sprintf("renamed-%d", i)
	}
	n, err = orm.SaveMany(e.ctx, many, "name")
	e.must(err)
	eq(t, "rows in batches", n, int64(len(many)))
	renamed, err := orm.Q[Tag](e.ctx).Filter("name__startswith", "renamed-").Count()
	e.must(err)
	eq(t, "renamed", renamed, int64(len(many)))
}

func testForUpdate(t *testing.T, e *env) {
	acct := &Account{Owner: "shared"}
	e.must(orm.Create(e.ctx, acct))
	const workers, each = 8, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				err := e.db.Tx(e.ctx, func(ctx context.Context) error {
					a, err := orm.Q[Account](ctx).Filter("owner", "shared").ForUpdate().First()
					if err != nil {
						return err
					}
					a.Balance++
					return orm.Save(ctx, a, "balance")
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got, err := orm.Q[Account](e.ctx).Get(acct.ID)
	e.must(err)
	eq(t, "balance after concurrent increments", got.Balance, int64(workers*each))
}

type rawRow struct {
	Title      string
	AuthorName string `db:"author_name"`
	Views      int64
	When       time.Time `orm:"column=created_at"`
}

func testRaw(t *testing.T, e *env) {
	seed(e)
	rows, err := orm.Raw[rawRow](e.ctx, `SELECT p.title, a.name AS author_name, p.views, p.created_at
		FROM posts p JOIN authors a ON a.id = p.author_id WHERE p.views > ? AND p.title IN (?) ORDER BY p.views`,
		15, []string{"Beta", "Delta", "Nope"})
	e.must(err)
	if len(rows) != 2 || rows[0].Title != "Beta" || rows[0].AuthorName != "Ann" || rows[1].Views != 40 || rows[1].When.IsZero() {
		t.Fatalf("raw rows = %+v", rows)
	}
	n, err := orm.Raw[int64](e.ctx, "SELECT COUNT(*) FROM posts WHERE published = ?", true)
	e.must(err)
	eq(t, "scalar", n[0], int64(3))
	newest, err := orm.Raw[time.Time](e.ctx, "SELECT MAX(created_at) FROM posts")
	e.must(err)
	if newest[0].IsZero() || newest[0].Location() != time.UTC {
		t.Errorf("max time = %v", newest[0])
	}
	models, err := orm.Raw[Post](e.ctx, "SELECT * FROM posts WHERE title = ?", "Gamma")
	e.must(err)
	if len(models) != 1 || models[0].Price != "100.00" || models[0].Views != 30 {
		t.Errorf("raw model = %+v", models)
	}
	if _, err := orm.Raw[rawRow](e.ctx, "SELECT title, body FROM posts"); err == nil || !strings.Contains(err.Error(), `"body"`) {
		t.Errorf("unmatched column: %v", err)
	}
	if _, err := orm.Raw[int64](e.ctx, "SELECT id, title FROM posts"); err == nil {
		t.Error("two columns into a scalar")
	}
	res, err := orm.Exec(e.ctx, "UPDATE posts SET views = views + ? WHERE published = ?", 100, false)
	e.must(err)
	if n, _ := res.RowsAffected(); n != 2 {
		t.Errorf("exec affected %d", n)
	}
	if _, err := orm.Exec(e.ctx, "UPDATE posts SET views = ?", 1, 2); err == nil {
		t.Error("exec with extra argument")
	}
	if _, err := orm.Raw[int64](e.ctx, "SELECT nope FROM nowhere"); err == nil {
		t.Error("bad SQL succeeded")
	}
}

func testUUIDAndNulls(t *testing.T, e *env) {
	parent := &Document{Title: "parent"}
	e.must(orm.Create(e.ctx, parent))
	if parent.ID == uuid.Nil || parent.ID.Version() != 7 {
		t.Fatalf("uuid = %v (version %d)", parent.ID, parent.ID.Version())
	}
	seen := time.Date(2025, 5, 6, 7, 8, 9, 123456000, time.UTC)
	child := &Document{
		Title:   "child",
		Data:    []byte{0, 1, 2, 255},
		Score:   sql.NullFloat64{Float64: 2.5, Valid: true},
		Note:    sql.NullString{String: "note", Valid: true},
		Count:   sql.NullInt64{Int64: 7, Valid: true},
		Checked: sql.NullBool{Bool: true, Valid: true},
		Seen:    sql.NullTime{Time: seen, Valid: true},
		Parent:  uuid.NullUUID{UUID: parent.ID, Valid: true},
		Labels:  map[string]int{"a": 1},
		Extra:   &PostMeta{Words: 3},
	}
	e.must(orm.Create(e.ctx, child))
	got, err := orm.Q[Document](e.ctx).Get(child.ID)
	e.must(err)
	if !bytes.Equal(got.Data, child.Data) || got.Score != child.Score || got.Note != child.Note || got.Count != child.Count ||
		got.Checked != child.Checked || !got.Seen.Time.Equal(seen) || !got.Seen.Valid || got.Parent != child.Parent ||
		got.Labels["a"] != 1 || got.Extra == nil || got.Extra.Words != 3 {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, child)
	}
	byString, err := orm.Q[Document](e.ctx).Get(child.ID.String())
	e.must(err)
	eq(t, "get by string uuid", byString.Title, "child")
	if _, err := orm.Q[Document](e.ctx).Get("not-a-uuid"); err == nil {
		t.Error("bad uuid accepted")
	}
	found, err := orm.Q[Document](e.ctx).Filter("parent", parent.ID).All()
	e.must(err)
	eq(t, "filter by uuid", len(found), 1)

	pg, err := orm.Q[Document](e.ctx).Get(parent.ID)
	e.must(err)
	if pg.Score.Valid || pg.Note.Valid || pg.Count.Valid || pg.Checked.Valid || pg.Seen.Valid || pg.Parent.Valid || pg.Extra != nil || len(pg.Data) != 0 {
		t.Errorf("nulls = %+v", pg)
	}
	nulls, err := orm.Q[Document](e.ctx).Filter("note__isnull", true).All()
	e.must(err)
	eq(t, "null notes", len(nulls), 1)
}

func testNullable(t *testing.T, e *env) {
	a := e.author("Ann")
	sub := "a subtitle"
	day := time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)
	p := &Post{Title: "t", Slug: "t", AuthorID: a.ID, Subtitle: &sub, PublishedOn: &day}
	e.must(orm.Create(e.ctx, p))
	got, err := orm.Q[Post](e.ctx).Get(p.ID)
	e.must(err)
	if got.Subtitle == nil || *got.Subtitle != sub || got.PublishedOn == nil || !got.PublishedOn.Equal(day) || got.DeletedAt != nil {
		t.Fatalf("got %+v", got)
	}
	got.Subtitle, got.PublishedOn = nil, nil
	now := time.Now()
	got.DeletedAt = &now
	e.must(orm.Save(e.ctx, got))
	again, err := orm.Q[Post](e.ctx).Get(p.ID)
	e.must(err)
	if again.Subtitle != nil || again.PublishedOn != nil || again.DeletedAt == nil || !again.DeletedAt.Equal(now.UTC().Truncate(time.Microsecond)) {
		t.Errorf("after clearing: %+v", again)
	}
	n, err := orm.Q[Post](e.ctx).Filter("deleted_at__isnull", false).Update(orm.Set("deleted_at", nil))
	e.must(err)
	eq(t, "set null", n, int64(1))
	cm := &Comment{PostID: p.ID, Body: "anonymous"}
	e.must(orm.Create(e.ctx, cm))
	cs, err := orm.Q[Comment](e.ctx).Prefetch("Author").All()
	e.must(err)
	if len(cs) != 1 || cs[0].Author != nil || cs[0].AuthorID != nil {
		t.Errorf("comment = %+v", cs)
	}
}

func testTimeUTC(t *testing.T, e *env) {
	zone := time.FixedZone("UTC+5:30", 5*3600+1800)
	when := time.Date(2023, 7, 14, 18, 30, 15, 123456789, zone)
	seen := when
	d := &Document{Title: "t", Seen: sql.NullTime{Time: seen, Valid: true}}
	a := &Account{Owner: "tz"}
	a.CreatedAt = when
	e.must(orm.Create(e.ctx, a))
	got, err := orm.Q[Account](e.ctx).Get(a.ID)
	e.must(err)
	want := when.UTC().Truncate(time.Microsecond)
	if got.CreatedAt.Location() != time.UTC || !got.CreatedAt.Equal(want) || got.CreatedAt != want {
		t.Errorf("created = %v (%v), want %v", got.CreatedAt, got.CreatedAt.Location(), want)
	}
	e.must(orm.Create(e.ctx, d))
	gd, err := orm.Q[Document](e.ctx).Get(d.ID)
	e.must(err)
	if gd.Seen.Time != want {
		t.Errorf("null time = %v, want %v", gd.Seen.Time, want)
	}
	// Comparisons work across zones.
	n, err := orm.Q[Account](e.ctx).Filter("created_at__gte", when.Add(-time.Second).In(time.FixedZone("x", -7*3600))).Filter("created_at__lt", when.Add(time.Second)).Count()
	e.must(err)
	eq(t, "time range", n, int64(1))
	n, err = orm.Q[Account](e.ctx).Filter("created_at", when.UTC().Format(time.RFC3339Nano)).Count()
	e.must(err)
	eq(t, "time from string", n, int64(1))
}

func testJSON(t *testing.T, e *env) {
	a := e.author("Ann")
	p := &Post{Title: "j", Slug: "j", AuthorID: a.ID, Meta: PostMeta{Words: 42, Keywords: []string{"go", "sql", `quo"te`}, Extra: map[string]string{"k": "v"}}}
	e.must(orm.Create(e.ctx, p))
	got, err := orm.Q[Post](e.ctx).Get(p.ID)
	e.must(err)
	if !reflect.DeepEqual(got.Meta, p.Meta) {
		t.Errorf("json = %+v, want %+v", got.Meta, p.Meta)
	}
	n, err := orm.Q[Post](e.ctx).Filter("id", p.ID).Update(orm.Set("meta", PostMeta{Words: 1}))
	e.must(err)
	eq(t, "update json", n, int64(1))
	got, err = orm.Q[Post](e.ctx).Get(p.ID)
	e.must(err)
	eq(t, "updated words", got.Meta.Words, 1)
	if got.Meta.Keywords != nil {
		t.Errorf("keywords not cleared: %v", got.Meta.Keywords)
	}
}

func testDecimal(t *testing.T, e *env) {
	a := e.author("Ann")
	p := &Post{Title: "d", Slug: "d", AuthorID: a.ID, Price: "12345678.5"}
	e.must(orm.Create(e.ctx, p))
	eq(t, "the struct keeps the value as given", p.Price, "12345678.5")
	got, err := orm.Q[Post](e.ctx).Get(p.ID)
	e.must(err)
	eq(t, "stored", got.Price, "12345678.50")
	for _, bad := range []string{"123456789.00", "1.234", "abc", "1e3", "--1"} {
		err := orm.Create(e.ctx, &Post{Title: "bad", Slug: "bad-" + bad, AuthorID: a.ID, Price: bad})
		ve := wantErr[*orm.ValueError](t, err)
		eq(t, "field", ve.Field, "Price")
	}
	n, err := orm.Q[Post](e.ctx).Filter("price__gt", "99999.99").Count()
	e.must(err)
	eq(t, "compare", n, int64(1))
}

// trackerCtx returns e's context with a query tracker.
func trackerCtx(e *env) struct {
	ctx context.Context
	t   *orm.Tracker
} {
	ctx, tr := orm.WithTracker(e.ctx)
	return struct {
		ctx context.Context
		t   *orm.Tracker
	}{ctx, tr}
}
