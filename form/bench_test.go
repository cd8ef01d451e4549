package form

import (
	"context"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sinewdev/sinew/validate"
)

// tenFields is a typical ten-field form.
type tenFields struct {
	Name     string    `form:"name" validate:"required,max=100"`
	Email    string    `form:"email" validate:"required,email"`
	Age      int       `form:"age" validate:"gte=0,lte=150"`
	Website  string    `form:"website" validate:"omitempty,url"`
	Bio      string    `form:"bio" widget:"textarea" validate:"max=2000"`
	Country  string    `form:"country" choices:"fr:France|de:Germany|it:Italy|es:Spain"`
	Born     time.Time `form:"born" widget:"date"`
	News     bool      `form:"news"`
	Score    float64   `form:"score" validate:"gte=0"`
	Password string    `form:"password" widget:"password" validate:"required,min=8"`
}

var tenValues = url.Values{
	"name": {"Ada Lovelace"}, "email": {"ada@example.com"}, "age": {"36"}, "website": {"https://example.com/"},
	"bio": {"Mathematician and writer."}, "country": {"fr"}, "born": {"1815-12-10"}, "news": {"on"},
	"score": {"9.5"}, "password": {"correct horse"},
}

// BenchmarkForm measures binding, validating and rendering a ten-field form with this
// package, and the same work written by hand on net/http, strconv, the validate package
// and one html/template (the peer): compare the two ns/op of one run.
func BenchmarkForm(b *testing.B) {
	body := tenValues.Encode()
	newReq := func() *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r
	}
	ctx := context.Background()

	b.Run("form", func(b *testing.B) {
		fs := newForms(b, Config{})
		b.ReportAllocs()
		for b.Loop() {
			var v tenFields
			f, err := fs.Bind(ctx, newReq(), &v)
			if err != nil || !f.Valid() {
				b.Fatal(err, messages(f))
			}
			h, err := f.HTML()
			if err != nil || len(h) == 0 {
				b.Fatal(err)
			}
		}
	})

	b.Run("form-bind-only", func(b *testing.B) {
		fs := newForms(b, Config{})
		b.ReportAllocs()
		for b.Loop() {
			var v tenFields
			if f, err := fs.Bind(ctx, newReq(), &v); err != nil || !f.Valid() {
				b.Fatal(err)
			}
		}
	})

	b.Run("form-render-only", func(b *testing.B) {
		fs := newForms(b, Config{})
		var v tenFields
		f, err := fs.Bind(ctx, newReq(), &v)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := f.HTML(); err != nil {
				b.Fatal(err)
			}
		}
	})

	b.Run("handwritten", func(b *testing.B) {
		hw := newHandwritten()
		b.ReportAllocs()
		for b.Loop() {
			if err := hw.run(ctx, newReq()); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkFormRatio runs the form package and the hand-written peer alternately in the same
// loop, so that both see the same load on a shared machine, and reports each one's time per
// operation and their ratio (form-ns/op ÷ hand-ns/op).
func BenchmarkFormRatio(b *testing.B) {
	body := tenValues.Encode()
	newReq := func() *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r
	}
	ctx := context.Background()
	fs := newForms(b, Config{})
	hw := newHandwritten()
	var formTime, handTime time.Duration
	for b.Loop() {
		start := time.Now()
		var v tenFields
		f, err := fs.Bind(ctx, newReq(), &v)
		if err != nil || !f.Valid() {
			b.Fatal(err)
		}
		if _, err := f.HTML(); err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		if err := hw.run(ctx, newReq()); err != nil {
			b.Fatal(err)
		}
		formTime += mid.Sub(start)
		handTime += time.Since(mid)
	}
	b.ReportMetric(float64(formTime.Nanoseconds())/float64(b.N), "form-ns/op")
	b.ReportMetric(float64(handTime.Nanoseconds())/float64(b.N), "hand-ns/op")
	b.ReportMetric(float64(formTime)/float64(handTime), "ratio")
}

// handwritten is the peer: the same work with net/http, strconv, validate and one template.
type handwritten struct {
	v    *validate.Validator
	page *template.Template
}

func newHandwritten() *handwritten {
	return &handwritten{validate.New(validate.Config{}), template.Must(template.New("f").Parse(handwrittenTemplate))}
}

func (h *handwritten) run(ctx context.Context, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	var in tenFields
	var errs []string
	in.Name, in.Email, in.Website, in.Bio, in.Password = r.PostForm.Get("name"), r.PostForm.Get("email"), r.PostForm.Get("website"), r.PostForm.Get("bio"), r.PostForm.Get("password")
	in.Country = r.PostForm.Get("country")
	var err error
	if in.Age, err = strconv.Atoi(r.PostForm.Get("age")); err != nil {
		errs = append(errs, "age")
	}
	if in.Born, err = time.Parse("2006-01-02", r.PostForm.Get("born")); err != nil {
		errs = append(errs, "born")
	}
	if in.Score, err = strconv.ParseFloat(r.PostForm.Get("score"), 64); err != nil {
		errs = append(errs, "score")
	}
	in.News = r.PostForm.Get("news") == "on"
	if err := h.v.Struct(ctx, &in); err != nil {
		return err
	}
	if len(errs) > 0 {
		return fmt.Errorf("conversion errors: %v", errs)
	}
	return h.page.Execute(io.Discard, map[string]any{"V": r.PostForm, "In": in})
}

// handwrittenTemplate is the markup the form package renders for tenFields, written out.
const handwrittenTemplate = `<div class="field field-text"><label for="id_name">Name</label><input type="text" id="id_name" name="name" value="{{.V.Get "name"}}" required maxlength="100"></div>
<div class="field field-email"><label for="id_email">Email</label><input type="email" id="id_email" name="email" value="{{.V.Get "email"}}" required></div>
<div class="field field-number"><label for="id_age">Age</label><input type="number" id="id_age" name="age" value="{{.V.Get "age"}}" min="0" max="150" step="1"></div>
<div class="field field-url"><label for="id_website">Website</label><input type="url" id="id_website" name="website" value="{{.V.Get "website"}}"></div>
<div class="field field-textarea"><label for="id_bio">Bio</label><textarea id="id_bio" name="bio" maxlength="2000">
{{.V.Get "bio"}}</textarea></div>
<div class="field field-select"><label for="id_country">Country</label><select id="id_country" name="country">
{{$c := .V.Get "country"}}<option value="fr"{{if eq $c "fr"}} selected{{end}}>France</option><option value="de"{{if eq $c "de"}} selected{{end}}>Germany</option><option value="it"{{if eq $c "it"}} selected{{end}}>Italy</option><option value="es"{{if eq $c "es"}} selected{{end}}>Spain</option></select></div>
<div class="field field-date"><label for="id_born">Born</label><input type="date" id="id_born" name="born" value="{{.V.Get "born"}}"></div>
<div class="field field-checkbox"><input type="checkbox" id="id_news" name="news" value="true"{{if .In.News}} checked{{end}}> <label for="id_news">News</label></div>
<div class="field field-number"><label for="id_score">Score</label><input type="number" id="id_score" name="score" value="{{.V.Get "score"}}" min="0" step="any"></div>
<div class="field field-password"><label for="id_password">Password</label><input type="password" id="id_password" name="password" required minlength="8"></div>`
