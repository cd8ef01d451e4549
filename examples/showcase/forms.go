package main

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/form"
	"github.com/sinewdev/sinew/session"
	"github.com/sinewdev/sinew/storage"
	"github.com/sinewdev/sinew/validate"
	"github.com/sinewdev/sinew/web"
)

// signupForm uses every widget of the form package. Its tags give the labels, help texts,
// widgets and choices; its validate rules are checked on the server and rendered as the
// browser's hints (required, maxlength, min, max).
type signupForm struct {
	Name       string     `form:"name" label:"Your name" help:"Try <script>alert(1)</script>: it comes back as text." validate:"required,max=80"`
	Email      string     `form:"email,unique=Author.Email" label:"E-mail" help:"Must not be an author's address (a query checks): try ada@example.com." validate:"required,email"`
	Password   string     `form:"password" widget:"password" help:"At least 8 characters; never sent back to the browser." validate:"required,min=8"`
	Website    string     `form:"website" widget:"url" help:"Required for the Team plan (a check across fields)." validate:"url"`
	Bio        string     `form:"bio" widget:"textarea" placeholder:"A few words about you" validate:"max=500"`
	Age        int        `form:"age" help:"Type abc: the error says so and the value stays." validate:"gte=13,lte=130"`
	Rating     *float64   `form:"rating" label:"How much do you like Go? (0 to 5)" validate:"gte=0,lte=5"`
	Newsletter bool       `form:"newsletter" label:"Send me the newsletter"`
	Country    string     `form:"country" choices:"fr:France|de:Germany|it:Italy|jp:Japan|us:United States" validate:"required"`
	Plan       string     `form:"plan" widget:"radio" choices:"free:Free|pro:Pro|team:Team" validate:"required"`
	Topics     []string   `form:"topics" choices:"go:Go|sql:SQL|web:The web|ops:Operations" help:"Hold Ctrl or Cmd to pick several."`
	Birthday   *time.Time `form:"birthday" widget:"date"`
	Meeting    time.Time  `form:"meeting" label:"First meeting" help:"Local date and time (stored in UTC)."`
	Avatar     *form.File `form:"avatar" accept:"image/png,image/jpeg,image/gif,image/webp" maxsize:"2MB" help:"PNG, JPEG, GIF or WebP up to 2 MB, sniffed from its content; stored only when the whole form is valid."`
	Source     string     `form:"source" widget:"hidden"`
	Terms      bool       `form:"terms" label:"I accept the terms" validate:"required"`
}

// Validate checks across fields, once every field passed its own rules.
func (s *signupForm) Validate(ctx context.Context) error {
	if s.Plan == "team" && s.Website == "" {
		return &validate.FieldError{Path: "website", Field: "Website", Code: "team_website", Message: "The Team plan needs a web site."}
	}
	return nil
}

// formsDemo registers /forms: a form with every widget, bound, validated (rules, a check
// across fields, a uniqueness query against the authors table) and rendered again with the
// values as typed; a valid submission shows what was bound, and its upload is stored under
// the app's data directory (DataDir/uploads), served at /forms/uploads/.
func formsDemo(app *sinew.App) error {
	forms, err := form.New(form.Config{Registry: app.Registry()})
	if err != nil {
		return err
	}
	// The store is opened on the first upload, so that tests and pages without uploads
	// leave no directory behind.
	var (
		mu    sync.Mutex
		store *storage.Disk
	)
	uploads := func() (*storage.Disk, error) {
		mu.Lock()
		defer mu.Unlock()
		if store == nil {
			s, err := storage.NewDisk(filepath.Join(app.Config().DataDir, "uploads"), storage.DiskConfig{})
			if err != nil {
				return nil, err
			}
			store = s
		}
		return store, nil
	}
	app.OnStop(func(context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		if store != nil {
			return store.Close()
		}
		return nil
	})

	page := func(c *web.Ctx, status int, f *form.Form) error {
		return c.Render(status, "forms/index.html", map[string]any{"Form": f, "CSRFToken": session.CSRFToken(c)})
	}
	app.GET("/forms", func(c *web.Ctx) error {
		f, err := forms.For(&signupForm{Country: "fr", Plan: "free", Source: "showcase", Age: 30})
		if err != nil {
			return err
		}
		return page(c, http.StatusOK, f)
	}).Name("forms")

	app.POST("/forms", func(c *web.Ctx) error {
		var in signupForm
		f, err := forms.Bind(c, c.Request, &in)
		if err != nil {
			return err // 413 for a body over the limit, 415 for a body that is not a form
		}
		defer f.Close()
		if !f.Valid() {
			return page(c, http.StatusUnprocessableEntity, f)
		}
		stored := ""
		if in.Avatar != nil {
			s, err := uploads()
			if err != nil {
				return err
			}
			if stored, err = in.Avatar.Save(c, s); err != nil {
				return err
			}
		}
		return c.Render(http.StatusOK, "forms/done.html", map[string]any{"In": in, "Stored": stored})
	})

	app.GET("/forms/uploads/{key}", func(c *web.Ctx) error {
		s, err := uploads()
		if err != nil {
			return err
		}
		key := c.Param("key")
		if !storage.ValidKey(key) {
			return web.ErrNotFound
		}
		if err := c.File(s.FS(), key); err != nil {
			if errors.Is(err, storage.ErrInvalidKey) {
				return web.ErrNotFound
			}
			return err
		}
		return nil
	}).Name("upload")
	return nil
}
