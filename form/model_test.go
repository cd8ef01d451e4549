package form

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/ormtest"
)

// Writer and Article are models: their forms come from the registry.
type Writer struct {
	orm.Model
	Name  string     `orm:"size=100,label='Full name',help='As printed on the cover.'" validate:"required"`
	Email string     `orm:"size=254,unique" validate:"required,email"`
	Role  string     `orm:"size=20,choices=member:Member|admin:Administrator,default='member'"`
	Bio   *string    `orm:"text"`
	Born  *time.Time `orm:"date"`
	Score int        `orm:"choices=1:One|2:Two|3:Three,default=1"`
	Posts []Article
}

type Article struct {
	orm.Model
	Title     string `orm:"size=200" validate:"required"`
	Body      string `orm:"text"`
	Published bool
	WriterID  int64   `orm:"fk=Writer"`
	Writer    *Writer // belongs-to: not a form field
	Cover     *File   `orm:"-"`
}

func registry(t testing.TB) *orm.Registry {
	t.Helper()
	reg := orm.NewRegistry()
	if err := reg.Register(Writer{}, Article{}); err != nil {
		t.Fatal(err)
	}
	return reg
}

func TestModelFormFromRegistry(t *testing.T) {
	t.Parallel()
	fs := newForms(t, Config{Registry: registry(t)})
	writers, err := ForModel[Writer](fs)
	if err != nil {
		t.Fatal(err)
	}
	p := writers.Plan()
	var names []string
	for _, f := range p.Fields {
		names = append(names, f.Name+":"+string(f.Widget))
	}
	if got, want := strings.Join(names, " "), "name:text email:email role:select bio:textarea born:date score:select"; got != want {
		t.Fatalf("fields %s\nwant   %s", got, want)
	}
	name, email, bio := p.Field("name"), p.Field("Email"), p.Field("bio")
	if name.Label != "Full name" || name.Help != "As printed on the cover." || *name.MaxLen != 100 || !name.Required {
		t.Fatalf("name field %+v", name)
	}
	if !email.Unique || *email.MaxLen != 254 {
		t.Fatalf("email field %+v", email)
	}
	if !bio.Optional || bio.Required {
		t.Fatalf("bio field %+v", bio)
	}
	if role := p.Field("role"); len(role.Choices) != 2 || role.Choices[1] != (Choice{"admin", "Administrator"}) {
		t.Fatalf("role choices %+v", role.Choices)
	}
	golden(t, "model_writer.html", []byte(render(t, writers.New(nil))))

	articles, err := ForModel[Article](fs, "Title", "body", "Published", "Cover")
	if err != nil {
		t.Fatal(err)
	}
	if f := articles.New(nil); f.Enctype() != "multipart/form-data" || len(f.Plan().Fields) != 4 {
		t.Fatalf("article form: %s, %d fields", f.Enctype(), len(f.Plan().Fields))
	}
	// The default field list leaves out keys, timestamps and relations, but keeps files.
	all, err := ForModel[Article](fs)
	if err != nil {
		t.Fatal(err)
	}
	names = nil
	for _, f := range all.Plan().Fields {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, " "); got != "title body published writer_id cover" {
		t.Fatalf("article fields %s", got)
	}

	type notAModel struct{ A string }
	if _, err := ForModel[notAModel](fs); !errors.Is(err, orm.ErrNotRegistered) {
		t.Fatalf("ForModel of an unregistered type: %v", err)
	}
	if _, err := ForModel[Writer](newForms(t, Config{})); !errors.Is(err, orm.ErrNotRegistered) {
		t.Fatalf("ForModel without a registry: %v", err)
	}
}

// signup is a plain form whose e-mail must not belong to a writer yet.
type signup struct {
	ID    int64  `form:",pk"` // the writer being edited, if any
	Email string `form:"email,unique=Writer.Email" validate:"required,email"`
	Nick  string `form:"nick"`
}

func TestUnique(t *testing.T) {
	t.Parallel()
	for name, open := range map[string]ormtest.Opener{"sqlite": ormtest.OpenSQLite, "postgres": ormtest.OpenPostgres, "mysql": ormtest.OpenMySQL} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			reg := registry(t)
			db := open(t, orm.Config{Registry: reg})
			ctx := orm.WithDB(context.Background(), db)
			if err := db.CreateTables(ctx); err != nil {
				t.Fatal(err)
			}
			ada := Writer{Name: "Ada", Email: "ada@example.com", Role: "member", Score: 1}
			grace := Writer{Name: "Grace", Email: "grace@example.com", Role: "member", Score: 1}
			for _, w := range []*Writer{&ada, &grace} {
				if err := orm.Create(ctx, w); err != nil {
					t.Fatal(err)
				}
			}
			fs := newForms(t, Config{Registry: reg})
			writers, err := ForModel[Writer](fs, "Name", "Email")
			if err != nil {
				t.Fatal(err)
			}
			submit := func(w *Writer, email string) *Form {
				t.Helper()
				f, err := writers.Bind(ctx, postForm(url.Values{"name": {"Someone"}, "email": {email}}), w)
				if err != nil {
					t.Fatal(err)
				}
				return f
			}
			// Creating with a taken address.
			f := submit(&Writer{}, "ada@example.com")
			if msgs := f.FieldErrors("email"); len(msgs) != 1 || msgs[0] != "Writer with this Email already exists." {
				t.Fatalf("create with a taken e-mail: %v", messages(f))
			}
			// Creating with a free address.
			if f := submit(&Writer{}, "new@example.com"); !f.Valid() {
				t.Fatalf("create with a free e-mail: %v", messages(f))
			}
			// Editing Ada and keeping her address: her own row does not count.
			edit := ada
			if f := submit(&edit, "ada@example.com"); !f.Valid() {
				t.Fatalf("edit keeping the e-mail: %v", messages(f))
			}
			// Editing Grace with Ada's address.
			edit = grace
			if f := submit(&edit, "ada@example.com"); f.Valid() || f.ErrorList()[0].Code != CodeUnique {
				t.Fatalf("edit taking another's e-mail: %v", messages(f))
			}
			// A value with a conversion or rule error is not queried.
			if f := submit(&Writer{}, "not an address"); len(f.ErrorList()) != 1 || f.ErrorList()[0].Code != "email" {
				t.Fatalf("invalid e-mail: %v", messages(f))
			}

			// A plain form naming the model's column, with the edited row's key.
			var s signup
			f, err = fs.Bind(ctx, postForm(url.Values{"email": {"grace@example.com"}}), &s)
			if err != nil || f.Valid() {
				t.Fatalf("signup with a taken e-mail: %v %v", err, messages(f))
			}
			s = signup{ID: grace.ID}
			f, err = fs.Bind(ctx, postForm(url.Values{"email": {"grace@example.com"}, "id": {"999"}}), &s)
			if err != nil || !f.Valid() || s.ID != grace.ID {
				t.Fatalf("signup editing grace: %v %v (id %d: the key is never bound)", err, messages(f), s.ID)
			}

			// A duplicate that slips past the check (a race) comes back from the insert and
			// is absorbed onto the field.
			dup := Writer{Name: "Copy", Email: "ada@example.com", Role: "member", Score: 1}
			f = writers.New(&dup)
			err = orm.Create(ctx, &dup)
			if !f.Absorb(err) {
				t.Fatalf("Absorb(%v) = false", err)
			}
			if msgs := f.FieldErrors("email"); len(msgs) != 1 || !strings.Contains(msgs[0], "already exists") {
				t.Fatalf("absorbed errors: %v", messages(f))
			}

			// Without a database in the context, the check is an error, not a valid form.
			if _, err := writers.Bind(context.Background(), postForm(url.Values{"name": {"x"}, "email": {"x@example.com"}}), &Writer{}); !errors.Is(err, orm.ErrNoDB) {
				t.Fatalf("Bind without a database: %v", err)
			}
		})
	}
}

func TestUniqueDeclarationErrors(t *testing.T) {
	t.Parallel()
	type noRegistry struct {
		Email string `form:"email,unique=Writer.Email"`
	}
	type unknownModel struct {
		Email string `form:"email,unique=Nobody.Email"`
	}
	type unknownField struct {
		Email string `form:"email,unique=Writer.Mail"`
	}
	type bare struct {
		Email string `form:"email,unique"`
	}
	type badOption struct {
		Email string `form:"email,uniq"`
	}
	withReg := newForms(t, Config{Registry: registry(t)})
	for _, tt := range []struct {
		fs   *Forms
		v    any
		want string
	}{
		{newForms(t, Config{}), &noRegistry{}, "needs form.Config.Registry"},
		{withReg, &unknownModel{}, `no registered model "Nobody"`},
		{withReg, &unknownField{}, `has no field "Mail"`},
		{withReg, &bare{}, "unique outside a model"},
		{withReg, &badOption{}, `unknown form tag option "uniq"`},
	} {
		if _, err := tt.fs.For(tt.v); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%T: %v, want an error containing %q", tt.v, err, tt.want)
		}
	}
}

func TestModelDefaults(t *testing.T) {
	t.Parallel()
	type Gadget struct {
		orm.Model
		Name    string     `orm:"size=50,default='It''s new'"`
		Count   int        `orm:"default=3"`
		Ratio   float64    `orm:"default=0.5"`
		On      bool       `orm:"default=true"`
		Price   string     `orm:"decimal=8.2,default=9.5"`
		Since   time.Time  `orm:"date,default=2024-02-29"`
		At      time.Time  `orm:"default=2024-02-29T10:30:00Z"`
		Checked *time.Time `orm:"default=now"`
		Note    *string    `orm:"text,null,default='hi'"`
	}
	reg := orm.NewRegistry()
	if err := reg.Register(Gadget{}); err != nil {
		t.Fatal(err)
	}
	fs := newForms(t, Config{Registry: reg})
	gadgets, err := ForModel[Gadget](fs)
	if err != nil {
		t.Fatal(err)
	}
	g := gadgets.New(nil).Value().(*Gadget)
	want := Gadget{Name: "It's new", Count: 3, Ratio: 0.5, On: true, Price: "9.50",
		Since: time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), At: time.Date(2024, 2, 29, 10, 30, 0, 0, time.UTC)}
	if g.Name != want.Name || g.Count != want.Count || g.Ratio != want.Ratio || !g.On || g.Price != want.Price ||
		!g.Since.Equal(want.Since) || !g.At.Equal(want.At) || g.Checked != nil || g.Note == nil || *g.Note != "hi" {
		t.Fatalf("defaults %+v", g)
	}
	// A given value is shown as it is.
	if g := gadgets.New(&Gadget{}).Value().(*Gadget); g.Count != 0 || g.Name != "" {
		t.Fatalf("defaults applied to a given value: %+v", g)
	}
	for lit, want := range map[string]string{"'a''b'": "a'b", "''": "", "TRUE": "true", "FALSE": "false", "-1.5e3": "-1.5e3", "CURRENT_TIMESTAMP": "!", "": "!"} {
		got, ok := literalText(lit)
		if !ok {
			got = "!"
		}
		if got != want {
			t.Errorf("literalText(%q) = %q, want %q", lit, got, want)
		}
	}
}
