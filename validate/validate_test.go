package validate_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sinewdev/sinew/validate"
)

type article struct {
	Title    string   `json:"title" validate:"required,max=20"`
	Slug     string   `json:"slug" validate:"slug,min=3"`
	Email    string   `json:"email" validate:"email"`
	Site     string   `json:"site" validate:"url"`
	Status   string   `json:"status" validate:"oneof=draft published"`
	Rating   int      `json:"rating" validate:"gte=0,lte=5"`
	Price    float64  `json:"price" validate:"gt=0"`
	Tags     []string `json:"tags" validate:"max=3"`
	Code     string   `json:"code" validate:"pattern=^[A-Z]{2,3}-[0-9]+$"`
	Optional *int     `json:"optional" validate:"min=10"`
	Ignored  string   `validate:"-"`
}

func validArticle() article {
	return article{Title: "Hello", Slug: "hello", Email: "ada@example.com", Site: "https://example.com",
		Status: "draft", Rating: 3, Price: 1.5, Tags: []string{"a"}, Code: "AB-12"}
}

func codes(t *testing.T, err error) map[string]string {
	t.Helper()
	if err == nil {
		return nil
	}
	var errs validate.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("want validate.Errors, got %T: %v", err, err)
	}
	out := map[string]string{}
	for _, fe := range errs {
		if _, dup := out[fe.Path]; dup {
			t.Errorf("two errors for %s", fe.Path)
		}
		out[fe.Path] = fe.Code
		if fe.Message == "" {
			t.Errorf("%s: empty message", fe.Path)
		}
	}
	return out
}

func TestStructRules(t *testing.T) {
	t.Parallel()
	v := validate.New(validate.Config{})
	ten := 10
	five := 5
	tests := []struct {
		name   string
		modify func(a *article)
		want   map[string]string
	}{
		{"valid", func(a *article) {}, nil},
		{"empty optional values skip rules", func(a *article) {
			a.Slug, a.Email, a.Site, a.Status, a.Code, a.Tags = "", "", "", "", "", nil
		}, nil},
		{"required blank", func(a *article) { a.Title = "   " }, map[string]string{"title": "required"}},
		{"max length in characters", func(a *article) { a.Title = strings.Repeat("é", 21) }, map[string]string{"title": "max"}},
		{"max length exact fits", func(a *article) { a.Title = strings.Repeat("é", 20) }, nil},
		{"slug", func(a *article) { a.Slug = "no spaces" }, map[string]string{"slug": "slug"}},
		{"min length", func(a *article) { a.Slug = "ab" }, map[string]string{"slug": "min"}},
		{"email", func(a *article) { a.Email = "Ada <ada@example.com>" }, map[string]string{"email": "email"}},
		{"email no domain dot", func(a *article) { a.Email = "ada@localhost" }, map[string]string{"email": "email"}},
		{"url scheme", func(a *article) { a.Site = "javascript:alert(1)" }, map[string]string{"site": "url"}},
		{"url relative", func(a *article) { a.Site = "/path" }, map[string]string{"site": "url"}},
		{"oneof", func(a *article) { a.Status = "deleted" }, map[string]string{"status": "oneof"}},
		{"lte", func(a *article) { a.Rating = 6 }, map[string]string{"rating": "lte"}},
		{"gte", func(a *article) { a.Rating = -1 }, map[string]string{"rating": "gte"}},
		{"gt", func(a *article) { a.Price = 0 }, map[string]string{"price": "gt"}},
		{"slice max items", func(a *article) { a.Tags = []string{"a", "b", "c", "d"} }, map[string]string{"tags": "max"}},
		{"pattern with commas and braces", func(a *article) { a.Code = "A-1" }, map[string]string{"code": "pattern"}},
		{"pointer nil optional", func(a *article) { a.Optional = nil }, nil},
		{"pointer value checked", func(a *article) { a.Optional = &five }, map[string]string{"optional": "min"}},
		{"pointer value passes", func(a *article) { a.Optional = &ten }, nil},
		{"ignored field", func(a *article) { a.Ignored = strings.Repeat("x", 1000) }, nil},
		{"several at once", func(a *article) { a.Title, a.Rating = "", 9 }, map[string]string{"title": "required", "rating": "lte"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := validArticle()
			tt.modify(&a)
			got := codes(t, v.Struct(context.Background(), &a))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFormats(t *testing.T) {
	t.Parallel()
	v := validate.New(validate.Config{})
	tests := []struct {
		tag   string
		value string
		ok    bool
	}{
		{"email", "a.b+c@sub.example.org", true},
		{"email", "a@b", false},
		{"email", "a@@example.com", false},
		{"email", "a@example.com\r\nBcc: x@y.z", false},
		{"email", strings.Repeat("a", 65) + "@example.com", false},
		{"email", "a@example..com", false},
		{"url", "http://example.com/a?b=c", true},
		{"url", "https://[::1]:8080/", true},
		{"url", "ftp://example.com", false},
		{"url", "https://", false},
		{"url", "https://exa mple.com", false},
		{"uuid", "0190b7c2-7d3e-7a1f-9c3b-1a2b3c4d5e6f", true},
		{"uuid", "0190b7c2-7d3e-7a1f-9c3b-1a2b3c4d5e6", false},
		{"uuid", "0190b7c2x7d3e-7a1f-9c3b-1a2b3c4d5e6f", false},
		{"slug", "hello_World-2", true},
		{"slug", "héllo", false},
		{"alpha", "Ærøskøbing", true},
		{"alpha", "abc1", false},
		{"alphanum", "abc123", true},
		{"alphanum", "abc-123", false},
		{"numeric", "0123", true},
		{"numeric", "-1", false},
		{"numeric", "\xff", false},
		{"date", "2026-12-06", true},
		{"date", "2026-13-01", false},
		{"datetime", "2026-12-06T10:00:00Z", true},
		{"datetime", "2026-12-06 10:00", false},
		{"len=3", "abc", true},
		{"len=3", "ab", false},
		{"required", "", false},
		{"required,email", "x", false},
		{"email", "", true},
	}
	for _, tt := range tests {
		err := v.Var(context.Background(), tt.value, tt.tag)
		if (err == nil) != tt.ok {
			t.Errorf("Var(%q, %q) = %v, want ok=%v", tt.value, tt.tag, err, tt.ok)
		}
	}
}

type signup struct {
	Password string `form:"password" validate:"required,min=8"`
	Confirm  string `form:"confirm" validate:"required,eqfield=Password"`
	Username string `form:"username" validate:"required,nefield=Password"`
	Start    time.Time
	End      time.Time
}

func (s *signup) Validate(ctx context.Context) error {
	if !s.End.IsZero() && s.End.Before(s.Start) {
		return &validate.FieldError{Path: "end", Code: "after_start", Message: "End must be after start."}
	}
	return nil
}

func TestCrossField(t *testing.T) {
	t.Parallel()
	v := validate.New(validate.Config{})
	now := time.Now()
	tests := []struct {
		name string
		in   signup
		want map[string]string
	}{
		{"ok", signup{Password: "longenough", Confirm: "longenough", Username: "ada"}, nil},
		{"mismatch", signup{Password: "longenough", Confirm: "different!", Username: "ada"}, map[string]string{"confirm": "eqfield"}},
		{"same as password", signup{Password: "longenough", Confirm: "longenough", Username: "longenough"}, map[string]string{"username": "nefield"}},
		{"validate method", signup{Password: "longenough", Confirm: "longenough", Username: "ada", Start: now, End: now.Add(-time.Hour)},
			map[string]string{"end": "after_start"}},
		{"method skipped while fields fail", signup{Password: "short", Confirm: "short", Username: "ada", Start: now, End: now.Add(-time.Hour)},
			map[string]string{"password": "min"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := tt.in
			if got := codes(t, v.Struct(context.Background(), &in)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			// Passing the struct by value works too, Validate method included.
			if got := codes(t, v.Struct(context.Background(), in)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("by value: got %v, want %v", got, tt.want)
			}
		})
	}
}

type line struct {
	Name string `json:"name" validate:"required"`
	Qty  int    `json:"qty" validate:"min=1"`
}

type address struct {
	City string `json:"city" validate:"required"`
}

type base struct {
	ID int64 `json:"id" validate:"gte=0"`
}

type order struct {
	base
	Lines   []line   `json:"lines" validate:"required,max=5"`
	Ptrs    []*line  `json:"ptrs"`
	Address address  `json:"address"`
	Billing *address `json:"billing"`
}

func TestNested(t *testing.T) {
	t.Parallel()
	v := validate.New(validate.Config{})
	in := order{
		base:    base{ID: -1},
		Lines:   []line{{Name: "a", Qty: 1}, {Name: "", Qty: 0}},
		Ptrs:    []*line{nil, {Name: "x", Qty: 0}},
		Billing: &address{},
	}
	got := codes(t, v.Struct(context.Background(), &in))
	want := map[string]string{
		"id": "gte", "lines[1].name": "required", "lines[1].qty": "min", "ptrs[1].qty": "min",
		"address.city": "required", "billing.city": "required",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	var errs validate.Errors
	errors.As(v.Struct(context.Background(), &in), &errs)
	if f := errs.For("lines[1].qty"); len(f) != 1 || f[0].Field != "Lines[1].Qty" {
		t.Errorf("For(lines[1].qty) = %+v", f)
	}
	if errs.StatusCode() != 422 {
		t.Errorf("status %d", errs.StatusCode())
	}
	fes := errs.FieldErrors()
	if len(fes) != len(errs) || fes[0].Location != "id" || fes[0].Code != "gte" {
		t.Errorf("FieldErrors = %+v", fes)
	}
}

type tree struct {
	Name     string `json:"name" validate:"required"`
	Children []tree `json:"children"`
}

func TestRecursiveType(t *testing.T) {
	t.Parallel()
	v := validate.New(validate.Config{})
	in := tree{Name: "root", Children: []tree{{Name: "a", Children: []tree{{}}}}}
	got := codes(t, v.Struct(context.Background(), &in))
	if want := map[string]string{"children[0].children[0].name": "required"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestCustomFuncsAndMessages(t *testing.T) {
	t.Parallel()
	dbDown := errors.New("database down")
	v := validate.New(validate.Config{
		Funcs: map[string]validate.Func{
			"even": func(_ context.Context, v reflect.Value, _ string) (bool, error) { return v.Int()%2 == 0, nil },
			"notin": func(_ context.Context, v reflect.Value, param string) (bool, error) {
				if v.String() == "boom" {
					return false, dbDown
				}
				return !strings.Contains(param, v.String()), nil
			},
		},
		Message: func(e *validate.FieldError) string {
			if e.Code == "required" {
				return "Ce champ est obligatoire."
			}
			return ""
		},
	})
	type in struct {
		N    int    `json:"n" validate:"even"`
		Name string `json:"name" validate:"required,notin=root admin"`
	}
	err := v.Struct(context.Background(), in{N: 3, Name: "admin"})
	if got := codes(t, err); !reflect.DeepEqual(got, map[string]string{"n": "even", "name": "notin"}) {
		t.Errorf("got %v", got)
	}
	var errs validate.Errors
	errors.As(v.Struct(context.Background(), in{N: 2}), &errs)
	if len(errs) != 1 || errs[0].Message != "Ce champ est obligatoire." {
		t.Errorf("custom message: %v", errs)
	}
	if err := v.Struct(context.Background(), in{N: 2, Name: "boom"}); !errors.Is(err, dbDown) {
		t.Errorf("a rule's failure to check must come back as is, got %v", err)
	}
}

func TestMessages(t *testing.T) {
	t.Parallel()
	v := validate.New(validate.Config{})
	type in struct {
		S  string   `json:"s" validate:"min=3"`
		N  int      `json:"n" validate:"max=5"`
		L  []string `json:"l" validate:"min=2"`
		O  string   `json:"o" validate:"oneof=a b"`
		P1 string   `json:"p1" validate:"required"`
		P2 string   `json:"p2" validate:"eqfield=P1"`
	}
	var errs validate.Errors
	errors.As(v.Struct(context.Background(), in{S: "x", N: 9, L: []string{"a"}, O: "c", P1: "a", P2: "b"}), &errs)
	want := map[string]string{
		"s":  "Must be at least 3 characters long.",
		"n":  "Must be at most 5.",
		"l":  "Must be at least 2 items long.",
		"o":  "Must be one of: a, b.",
		"p2": "Must match p1.",
	}
	for _, fe := range errs {
		if want[fe.Path] != fe.Message {
			t.Errorf("%s: %q, want %q", fe.Path, fe.Message, want[fe.Path])
		}
	}
	if len(errs) != len(want) {
		t.Errorf("%d errors, want %d: %v", len(errs), len(want), errs)
	}
	if s := errs.Error(); !strings.HasPrefix(s, "invalid input: s: Must be at least 3") {
		t.Errorf("Error() = %q", s)
	}
}

func TestPlanErrors(t *testing.T) {
	t.Parallel()
	v := validate.New(validate.Config{})
	tests := []struct {
		name string
		val  any
		want string
	}{
		{"unknown rule", struct {
			A string `validate:"requird"`
		}{}, `unknown rule "requird"`},
		{"bad number", struct {
			A int `validate:"min=x"`
		}{}, "want a number"},
		{"bad length", struct {
			A string `validate:"max=-1"`
		}{}, "non-negative"},
		{"email on int", struct {
			A int `validate:"email"`
		}{}, "does not apply"},
		{"bad regexp", struct {
			A string `validate:"pattern=("`
		}{}, "pattern"},
		{"unknown field", struct {
			A string `validate:"eqfield=B"`
		}{}, "names no field"},
		{"empty oneof", struct {
			A string `validate:"oneof="`
		}{}, "needs values"},
		{"gt on string", struct {
			A string `validate:"gt=1"`
		}{}, "applies to numbers"},
		{"param on format", struct {
			A string `validate:"email=x"`
		}{}, "takes no parameter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := v.Plan(reflect.TypeOf(tt.val))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Plan error = %v, want it to contain %q", err, tt.want)
			}
			if err := v.Struct(context.Background(), tt.val); err == nil || errors.As(err, new(validate.Errors)) {
				t.Errorf("Struct must report the setup error, got %v", err)
			}
		})
	}
	if err := v.Struct(context.Background(), 3); err == nil {
		t.Error("a non-struct must be an error")
	}
	if err := v.Struct(context.Background(), (*article)(nil)); err == nil {
		t.Error("a nil pointer must be an error")
	}
}

func TestPlanConstraints(t *testing.T) {
	t.Parallel()
	v := validate.New(validate.Config{})
	p, err := v.Plan(reflect.TypeFor[article]())
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*validate.Field{}
	for _, f := range p.Fields {
		byName[f.Key] = f
	}
	if _, ok := byName["Ignored"]; ok {
		t.Error("a field tagged - must not be in the plan")
	}
	title := byName["title"]
	if !title.Required || title.MaxLen == nil || *title.MaxLen != 20 || title.MinLen != nil {
		t.Errorf("title: %+v", title)
	}
	if f := byName["rating"]; f.Min == nil || *f.Min != 0 || f.Max == nil || *f.Max != 5 || f.ExclusiveMin {
		t.Errorf("rating: %+v", f)
	}
	if f := byName["price"]; f.Min == nil || *f.Min != 0 || !f.ExclusiveMin {
		t.Errorf("price: %+v", f)
	}
	if f := byName["status"]; !reflect.DeepEqual(f.OneOf, []string{"draft", "published"}) {
		t.Errorf("status: %+v", f)
	}
	if f := byName["code"]; f.Pattern != "^[A-Z]{2,3}-[0-9]+$" {
		t.Errorf("code pattern %q", f.Pattern)
	}
	if byName["email"].Format != "email" || byName["site"].Format != "url" {
		t.Error("formats not recorded")
	}
	if f := byName["tags"]; f.MaxLen == nil || *f.MaxLen != 3 {
		t.Errorf("tags: %+v", f)
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	v := validate.New(validate.Config{})
	done := make(chan error)
	for range 8 {
		go func() {
			a := validArticle()
			a.Title = ""
			var err error
			for range 100 {
				if got := v.Struct(context.Background(), &a); got == nil {
					err = errors.New("invalid article passed")
				}
				if got := v.Struct(context.Background(), &tree{Name: "x"}); got != nil {
					err = got
				}
			}
			done <- err
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

// TestNestedValidAllocatesNothing: a valid value with a nested struct costs no path strings.
func TestNestedValidAllocatesNothing(t *testing.T) {
	v := validate.New(validate.Config{})
	type body struct {
		Title string `json:"title" validate:"required,max=20"`
		Views int    `json:"views" validate:"gte=0"`
	}
	type input struct {
		ID   int64 `path:"id" validate:"gt=0"`
		Body body  `json:"body"`
	}
	in := input{ID: 1, Body: body{Title: "hello", Views: 3}}
	ctx := context.Background()
	if err := v.Struct(ctx, &in); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { _ = v.Struct(ctx, &in) }); n > 0 {
		t.Errorf("%.0f allocations for a valid nested value, want 0", n)
	}
	in.Body.Title = ""
	var errs validate.Errors
	if !errors.As(v.Struct(ctx, &in), &errs) || errs[0].Path != "body.title" || errs[0].Field != "Body.Title" {
		t.Errorf("nested error path: %v", errs)
	}
}
