package ormtest

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sinewdev/sinew/orm"
)

func testCRUD(t *testing.T, e *env) {
	a := e.author("Ann")
	if a.ID == 0 || a.CreatedAt.IsZero() || !a.CreatedAt.Equal(a.UpdatedAt) || a.CreatedAt.Location() != time.UTC {
		t.Fatalf("created author = %+v", a)
	}
	p := &Post{Title: "Hello", Slug: "hello", Body: "World", AuthorID: a.ID}
	e.must(orm.Create(e.ctx, p))
	if p.Status != "draft" || p.Price != "0.00" {
		t.Errorf("defaults not applied: status %q price %q", p.Status, p.Price)
	}
	got, err := orm.Q[Post](e.ctx).Get(p.ID)
	e.must(err)
	eq(t, "title", got.Title, "Hello")
	eq(t, "body", got.Body, "World")
	eq(t, "status", got.Status, "draft")
	eq(t, "created", got.CreatedAt.Equal(p.CreatedAt), true)

	// Get accepts the key as a string (from a URL).
	got2, err := orm.Q[Post](e.ctx).Get(fmt.Sprint(p.ID))
	e.must(err)
	eq(t, "get by string key", got2.ID, p.ID)

	got.Title = "Hello again"
	time.Sleep(2 * time.Millisecond)
	e.must(orm.Save(e.ctx, got))
	if !got.UpdatedAt.After(got.CreatedAt) {
		t.Errorf("UpdatedAt %v not after CreatedAt %v", got.UpdatedAt, got.CreatedAt)
	}
	again, err := orm.Q[Post](e.ctx).Get(p.ID)
	e.must(err)
	eq(t, "saved title", again.Title, "Hello again")
	eq(t, "created kept", again.CreatedAt.Equal(p.CreatedAt), true)

	// Save of listed fields only.
	again.Title, again.Body = "Listed", "not saved"
	e.must(orm.Save(e.ctx, again, "Title"))
	reread, err := orm.Q[Post](e.ctx).Get(p.ID)
	e.must(err)
	eq(t, "listed title", reread.Title, "Listed")
	eq(t, "unlisted body", reread.Body, "World")

	first, err := orm.Q[Post](e.ctx).Filter("slug", "hello").First()
	e.must(err)
	eq(t, "first", first.ID, p.ID)

	e.must(orm.Delete(e.ctx, reread))
	if _, err := orm.Q[Post](e.ctx).Get(p.ID); !errors.Is(err, orm.ErrNotFound) {
		t.Fatalf("get after delete: %v", err)
	}
	if err := orm.Delete(e.ctx, reread); !errors.Is(err, orm.ErrNotFound) {
		t.Errorf("delete twice: %v", err)
	}
	if err := orm.Save(e.ctx, reread); !errors.Is(err, orm.ErrNotFound) {
		t.Errorf("save deleted: %v", err)
	}
	if _, err := orm.Q[Post](e.ctx).Filter("slug", "nope").First(); !errors.Is(err, orm.ErrNotFound) {
		t.Errorf("first of nothing: %v", err)
	}
	var sc interface{ StatusCode() int }
	if err := orm.ErrNotFound; !errors.As(err, &sc) || sc.StatusCode() != 404 {
		t.Errorf("ErrNotFound status")
	}
	if err := orm.Save(e.ctx, &Post{}); err == nil {
		t.Error("Save without key succeeded")
	}
}

// seed creates three authors and posts with known values.
func seed(e *env) (ann, bob *Author, posts []*Post) {
	e.t.Helper()
	ann, bob = e.author("Ann"), e.author("Bob")
	e.author("Cid")
	day := func(d int) *time.Time {
		t := time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC)
		return &t
	}
	sub := "sub"
	specs := []Post{
		{Title: "Alpha", Views: 10, Rating: 1.5, Price: "9.99", Published: true, Status: "published", PublishedOn: day(1), AuthorID: ann.ID, Subtitle: &sub},
		{Title: "Beta", Views: 20, Rating: 2.5, Price: "19.50", Published: true, Status: "published", PublishedOn: day(2), AuthorID: ann.ID},
		{Title: "Gamma", Views: 30, Rating: 3.5, Price: "100", Published: false, Status: "draft", AuthorID: bob.ID},
		{Title: "Delta", Views: 40, Rating: 4.5, Price: "0.5", Published: true, Status: "archived", PublishedOn: day(4), AuthorID: bob.ID, Subtitle: &sub},
		{Title: "epsilon", Views: 50, Rating: 5.5, Price: "1000.01", Published: false, Status: "draft", AuthorID: bob.ID},
	}
	for i := range specs {
		p := specs[i]
		p.Slug = slugify(p.Title)
		e.must(orm.Create(e.ctx, &p))
		posts = append(posts, &p)
	}
	return ann, bob, posts
}

func testFilters(t *testing.T, e *env) {
	ann, _, posts := seed(e)
	tests := []struct {
		expr  string
		value any
		want  string
	}{
		{"title", "Beta", "Beta"},
		{"title__eq", "Beta", "Beta"},
		{"Title__exact", "Beta", "Beta"},
		{"title__ne", "Beta", "Alpha,Gamma,Delta,epsilon"},
		{"views__lt", 30, "Alpha,Beta"},
		{"views__lte", 30, "Alpha,Beta,Gamma"},
		{"views__gt", "30", "Delta,epsilon"},
		{"views__gte", int32(40), "Delta,epsilon"},
		{"rating__gt", 4.0, "Delta,epsilon"},
		{"id__in", []int64{posts[0].ID, posts[2].ID}, "Alpha,Gamma"},
		{"id__in", fmt.Sprintf("%d,%d", posts[1].ID, posts[3].ID), "Beta,Delta"},
		{"id__in", []int64{}, ""},
		{"id__notin", []int64{posts[0].ID, posts[2].ID}, "Beta,Delta,epsilon"},
		{"id__notin", []int{}, "Alpha,Beta,Gamma,Delta,epsilon"},
		{"status__in", []string{"draft", "archived"}, "Gamma,Delta,epsilon"},
		{"published", true, "Alpha,Beta,Delta"},
		{"published", "false", "Gamma,epsilon"},
		{"published_on__isnull", true, "Gamma,epsilon"},
		{"published_on__isnull", "false", "Alpha,Beta,Delta"},
		{"subtitle", nil, "Beta,Gamma,epsilon"},
		{"subtitle__ne", nil, "Alpha,Delta"},
		{"published_on__gte", "2024-01-02", "Beta,Delta"},
		{"published_on", time.Date(2024, 1, 4, 15, 0, 0, 0, time.FixedZone("x", 3600)), "Delta"},
		{"published_on__lt", time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), "Alpha"},
		{"author_id", ann.ID, "Alpha,Beta"},
		{"AuthorID", fmt.Sprint(ann.ID), "Alpha,Beta"},
		{"price__gte", "19.5", "Beta,Gamma,epsilon"},
		{"price__lt", 10, "Alpha,Delta"},
		{"price", "0.50", "Delta"},
	}
	for _, tt := range tests {
		got, err := orm.Q[Post](e.ctx).Filter(tt.expr, tt.value).OrderBy("views").All()
		if err != nil {
			t.Errorf("Filter(%q, %v): %v", tt.expr, tt.value, err)
			continue
		}
		if titles(got) != tt.want {
			t.Errorf("Filter(%q, %v) = %q, want %q", tt.expr, tt.value, titles(got), tt.want)
		}
	}
	bad := []struct {
		expr  string
		value any
	}{
		{"nope", 1},
		{"title__nope", "x"},
		{"title__", "x"},
		{"views", "ten"},
		{"views__contains", "1"},
		{"published__gt", true},
		{"published", "maybe"},
		{"published_on", "yesterday"},
		{"id__in", 5},
		{"price", "1.234"},
		{"title__isnull", "perhaps"},
		{"meta", "x"},
		{"views__gt", nil},
	}
	for _, tt := range bad {
		_, err := orm.Q[Post](e.ctx).Filter(tt.expr, tt.value).All()
		fe := wantErr[*orm.FieldError](t, err)
		if fe.StatusCode() != 400 {
			t.Errorf("FieldError status %d", fe.StatusCode())
		}
	}
	// A typo gets a suggestion.
	_, err := orm.Q[Post](e.ctx).Filter("titel__icontains", "x").All()
	if err == nil || !strings.Contains(err.Error(), `did you mean "title"`) {
		t.Errorf("typo: %v", err)
	}
	_, err = orm.Q[Post](e.ctx).Filter("title__icontain", "x").All()
	if err == nil || !strings.Contains(err.Error(), `did you mean "icontains"`) {
		t.Errorf("lookup typo: %v", err)
	}
	// Where with a slice expands.
	got, err := orm.Q[Post](e.ctx).Where("views IN (?)", []int{10, 50}).Where("title <> ?", "x").OrderBy("id").All()
	e.must(err)
	eq(t, "where in", titles(got), "Alpha,epsilon")
	if _, err := orm.Q[Post](e.ctx).Where("views = ? AND title = ?", 1).All(); err == nil {
		t.Error("Where with too few arguments succeeded")
	}
}

func testTextLookups(t *testing.T, e *env) {
	a := e.author("Ann")
	for _, title := range []string{"Go Programming", "go tips", "100% Go", "under_score", "bang!go", "glob*star?[x]", "Ünïcode Go"} {
		e.post(a, title, 1)
	}
	tests := []struct {
		expr, value, want string
	}{
		{"title__contains", "Go", "Go Programming,100% Go,Ünïcode Go"},
		{"title__icontains", "go", "Go Programming,go tips,100% Go,bang!go,Ünïcode Go"},
		{"title__startswith", "go", "go tips"},
		{"title__istartswith", "GO", "Go Programming,go tips"},
		{"title__endswith", "Go", "100% Go,Ünïcode Go"},
		{"title__iendswith", "GO", "100% Go,bang!go,Ünïcode Go"},
		{"title__contains", "%", "100% Go"},
		{"title__contains", "_", "under_score"},
		{"title__contains", "!", "bang!go"},
		{"title__contains", "*star?[", "glob*star?[x]"},
		{"title__icontains", "% g", "100% Go"},
		{"title__startswith", "", "Go Programming,go tips,100% Go,under_score,bang!go,glob*star?[x],Ünïcode Go"},
		{"title__contains", "'", ""},
	}
	for _, tt := range tests {
		got, err := orm.Q[Post](e.ctx).Filter(tt.expr, tt.value).OrderBy("id").All()
		if err != nil {
			t.Errorf("Filter(%q, %q): %v", tt.expr, tt.value, err)
			continue
		}
		if titles(got) != tt.want {
			t.Errorf("Filter(%q, %q) = %q, want %q", tt.expr, tt.value, titles(got), tt.want)
		}
	}
}

func testAndOrNot(t *testing.T, e *env) {
	seed(e)
	tests := []struct {
		cond orm.Cond
		want string
	}{
		{orm.Or(orm.F("title").Eq("Alpha"), orm.F("views").Gte(40)), "Alpha,Delta,epsilon"},
		{orm.And(orm.F("published").Eq(true), orm.F("views").Gt(15)), "Beta,Delta"},
		{orm.Or(orm.And(orm.F("published").Eq(true), orm.F("views").Lt(15)), orm.F("title").IContains("EPS")), "Alpha,epsilon"},
		{orm.Not(orm.F("status").In([]string{"draft"})), "Alpha,Beta,Delta"},
		{orm.Or(), ""},
		{orm.And(), "Alpha,Beta,Gamma,Delta,epsilon"},
		{orm.Or(orm.Expr("views = ?", 20), orm.Lookup("title__startswith", "Gam")), "Beta,Gamma"},
		{orm.F("subtitle").IsNull(false), "Alpha,Delta"},
		{orm.F("views").Ne(10), "Beta,Gamma,Delta,epsilon"},
		{orm.F("views").Lte(20), "Alpha,Beta"},
		{orm.F("title").StartsWith("Al"), "Alpha"},
		{orm.F("title").IStartsWith("al"), "Alpha"},
		{orm.F("title").EndsWith("ta"), "Beta,Delta"},
		{orm.F("title").IEndsWith("TA"), "Beta,Delta"},
		{orm.F("title").Contains("amm"), "Gamma"},
		{orm.F("id").NotIn([]int64{}), "Alpha,Beta,Gamma,Delta,epsilon"},
	}
	for i, tt := range tests {
		got, err := orm.Q[Post](e.ctx).Match(tt.cond).OrderBy("views").All()
		if err != nil {
			t.Errorf("#%d: %v", i, err)
			continue
		}
		if titles(got) != tt.want {
			t.Errorf("#%d = %q, want %q", i, titles(got), tt.want)
		}
	}
	// Conditions chain with AND.
	got, err := orm.Q[Post](e.ctx).Filter("published", true).Match(orm.Or(orm.F("views").Eq(10), orm.F("views").Eq(30))).All()
	e.must(err)
	eq(t, "chained", titles(got), "Alpha")
	if _, err := orm.Q[Post](e.ctx).Match(orm.Or(orm.F("views").Eq(1), orm.F("bogus").Eq(1))).All(); err == nil {
		t.Error("unknown field inside Or accepted")
	}
}

func testOrderLimitOffset(t *testing.T, e *env) {
	seed(e)
	tests := []struct {
		order         []string
		limit, offset int
		want          string
	}{
		{[]string{"-views"}, -1, 0, "epsilon,Delta,Gamma,Beta,Alpha"},
		{[]string{"published", "-views"}, -1, 0, "epsilon,Gamma,Delta,Beta,Alpha"},
		{[]string{"Views"}, 2, 0, "Alpha,Beta"},
		{[]string{"views"}, 2, 2, "Gamma,Delta"},
		{[]string{"views"}, -1, 3, "Delta,epsilon"},
		{[]string{"+views"}, 0, 0, ""},
		{[]string{"-price"}, 2, 0, "epsilon,Gamma"},
	}
	for _, tt := range tests {
		got, err := orm.Q[Post](e.ctx).OrderBy(tt.order...).Limit(tt.limit).Offset(tt.offset).All()
		if err != nil {
			t.Errorf("%v limit %d offset %d: %v", tt.order, tt.limit, tt.offset, err)
			continue
		}
		if titles(got) != tt.want {
			t.Errorf("%v limit %d offset %d = %q, want %q", tt.order, tt.limit, tt.offset, titles(got), tt.want)
		}
	}
	for _, bad := range []string{"nope", "-", "meta", "views desc", "views; DROP TABLE posts"} {
		_, err := orm.Q[Post](e.ctx).OrderBy(bad).All()
		wantErr[*orm.FieldError](t, err)
	}
	if _, err := orm.Q[Post](e.ctx).Offset(-1).All(); err == nil {
		t.Error("negative offset accepted")
	}
}

func testKeyset(t *testing.T, e *env) {
	a := e.author("Ann")
	for i := 0; i < 7; i++ {
		// Two posts per view count, so that the second ordering field matters.
		e.post(a, fmt.Sprintf("p%d", i), int64(i/2))
	}
	var pages []string
	q := func() *orm.Query[Post] { return orm.Q[Post](e.ctx).OrderBy("-views", "id").Limit(3) }
	page, err := q().All()
	e.must(err)
	for len(page) > 0 {
		pages = append(pages, titles(page))
		last := page[len(page)-1]
		page, err = q().After(&last).All()
		e.must(err)
	}
	eq(t, "pages", fmt.Sprint(pages), "[p6,p4,p5 p2,p3,p0 p1]")

	// The same with cursor values, as a client would send them back.
	first, err := q().All()
	e.must(err)
	next, err := q().AfterValues(fmt.Sprint(first[2].Views), fmt.Sprint(first[2].ID)).All()
	e.must(err)
	eq(t, "after values", titles(next), "p2,p3,p0")

	// Without OrderBy, keyset follows the primary key.
	byID, err := orm.Q[Post](e.ctx).AfterValues(first[1].ID).Limit(2).All()
	e.must(err)
	if len(byID) != 2 || byID[0].ID <= first[1].ID || byID[1].ID <= byID[0].ID {
		t.Errorf("after id: %s", titles(byID))
	}
	if _, err := q().AfterValues(1).All(); err == nil {
		t.Error("cursor with too few values accepted")
	}
	// Combined with a filter.
	filtered, err := q().Filter("views__lte", 2).After(&first[0]).All()
	e.must(err)
	eq(t, "filtered", titles(filtered), "p4,p5,p2")
}

func testCountExists(t *testing.T, e *env) {
	seed(e)
	n, err := orm.Q[Post](e.ctx).Count()
	e.must(err)
	eq(t, "count", n, int64(5))
	n, err = orm.Q[Post](e.ctx).Filter("published", true).Count()
	e.must(err)
	eq(t, "count published", n, int64(3))
	n, err = orm.Q[Post](e.ctx).OrderBy("views").Limit(2).Offset(4).Count()
	e.must(err)
	eq(t, "count with limit", n, int64(1))
	ok, err := orm.Q[Post](e.ctx).Filter("views__gt", 45).Exists()
	e.must(err)
	eq(t, "exists", ok, true)
	ok, err = orm.Q[Post](e.ctx).Filter("views__gt", 450).Exists()
	e.must(err)
	eq(t, "not exists", ok, false)
}

type authorStats struct {
	AuthorID int64
	Posts    int64
	Views    int64
	AvgViews float64
	MinViews int64
	MaxViews int64
	Statuses int64
	Newest   time.Time
}

func testAggregate(t *testing.T, e *env) {
	ann, bob, _ := seed(e)
	stats, err := orm.Aggregate[authorStats](orm.Q[Post](e.ctx)).
		GroupBy("author_id").Count("posts").Sum("views", "views").Avg("views", "avg_views").
		Min("views", "min_views").Max("views", "max_views").CountDistinct("status", "statuses").
		Max("created_at", "newest").OrderBy("-posts").All()
	e.must(err)
	if len(stats) != 2 {
		t.Fatalf("stats = %+v", stats)
	}
	b, a := stats[0], stats[1]
	eq(t, "bob id", b.AuthorID, bob.ID)
	eq(t, "bob posts", b.Posts, int64(3))
	eq(t, "bob views", b.Views, int64(120))
	eq(t, "bob avg", b.AvgViews, 40.0)
	eq(t, "bob min", b.MinViews, int64(30))
	eq(t, "bob max", b.MaxViews, int64(50))
	eq(t, "bob statuses", b.Statuses, int64(2))
	eq(t, "ann id", a.AuthorID, ann.ID)
	eq(t, "ann views", a.Views, int64(30))
	if a.Newest.IsZero() || a.Newest.Location() != time.UTC {
		t.Errorf("newest = %v", a.Newest)
	}

	type total struct{ N, Views int64 }
	tot, err := orm.Aggregate[total](orm.Q[Post](e.ctx).Filter("published", true)).Count("n").Sum("views", "views").One()
	e.must(err)
	eq(t, "total", tot, total{N: 3, Views: 70})

	if _, err := orm.Aggregate[total](orm.Q[Post](e.ctx)).Sum("title", "n").All(); err == nil {
		t.Error("sum of text accepted")
	}
	if _, err := orm.Aggregate[total](orm.Q[Post](e.ctx)).Count("n; DROP TABLE posts").All(); err == nil {
		t.Error("bad alias accepted")
	}
	if _, err := orm.Aggregate[total](orm.Q[Post](e.ctx)).GroupBy("nope").Count("n").All(); err == nil {
		t.Error("unknown group field accepted")
	}
	if _, err := orm.Aggregate[total](orm.Q[Post](e.ctx)).Count("n").OrderBy("views").All(); err == nil {
		t.Error("order by a field that is not in the aggregation accepted")
	}
}

func testSelect(t *testing.T, e *env) {
	seed(e)
	got, err := orm.Q[Post](e.ctx).Select("title", "Views").OrderBy("views").Limit(1).All()
	e.must(err)
	p := got[0]
	if p.ID == 0 || p.Title != "Alpha" || p.Views != 10 || p.Body != "" || p.Price != "" || p.Slug != "" {
		t.Errorf("selected = %+v", p)
	}
	p.Views = 11
	e.must(orm.Save(e.ctx, &p, "views"))
	full, err := orm.Q[Post](e.ctx).Get(p.ID)
	e.must(err)
	if full.Views != 11 || full.Slug == "" || full.Price != "9.99" {
		t.Errorf("after partial save: %+v", full)
	}
	if _, err := orm.Q[Post](e.ctx).Select("bogus").All(); err == nil {
		t.Error("unknown field selected")
	}
	// A prefetched belongs-to relation brings its foreign key along.
	withAuthor, err := orm.Q[Post](e.ctx).Select("title").Prefetch("Author").OrderBy("views").All()
	e.must(err)
	if withAuthor[0].Author == nil || withAuthor[0].Author.Name != "Ann" || withAuthor[0].Body != "" {
		t.Errorf("select with prefetch = %+v", withAuthor[0])
	}
}
