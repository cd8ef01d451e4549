package main

import (
	"embed"
	"errors"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/i18n"
	"github.com/sinewdev/sinew/validate"
	"github.com/sinewdev/sinew/web"
)

//go:embed locales
var localeFiles embed.FS

// greetForm is the small form of /i18n whose validation messages are translated.
type greetForm struct {
	Name string `query:"name" validate:"required,max=20"`
	Age  int    `query:"age" validate:"gte=0,lte=150"`
}

// i18nDemo loads the showcase's catalogues (English, French, Arabic), installs the locale
// middleware for every page but the static assets, and registers /i18n (also served as
// /fr/i18n and /ar/i18n): plurals, numbers, dates, a language switcher and translated
// validation messages. The returned bundle gives the templates their t helper.
func i18nDemo(app *sinew.App) (*i18n.Bundle, error) {
	fsys, err := fs.Sub(localeFiles, "locales")
	if err != nil {
		return nil, err
	}
	bundle, err := i18n.New(fsys, i18n.Config{
		URLPrefix: true,
		Dev:       app.Config().Env == "dev",
		Skip:      func(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/static/") },
	})
	if err != nil {
		return nil, err
	}
	app.Use(bundle.Middleware())
	v := validate.New(validate.Config{})

	app.GET("/i18n", func(c *web.Ctx) error {
		loc := i18n.LocaleOf(c)
		data := map[string]any{
			"Languages": len(bundle.Locales()),
			"Counts":    []int{0, 1, 2, 3, 11, 21, 100, 1234567},
			"Number":    1234567.891,
			"Now":       time.Now(),
			"Submitted": c.Query("check") != "",
			"Form":      greetForm{},
		}
		if data["Submitted"].(bool) {
			var in greetForm
			if err := c.BindQuery(&in); err != nil {
				return err
			}
			data["Form"] = in
			if err := i18n.Localize(c, v.Struct(c, &in)); err != nil {
				var errs validate.Errors
				if !errors.As(err, &errs) {
					return err
				}
				data["Errors"] = map[string]string{}
				for _, fe := range errs {
					data["Errors"].(map[string]string)[fe.Field] = fe.Message
				}
			}
		}
		var missing []string
		for _, m := range bundle.Missing() {
			if m.Locale == loc.String() {
				missing = append(missing, m.Key)
			}
		}
		data["Missing"] = missing
		return c.Render(http.StatusOK, "i18n/index.html", data)
	}).Name("i18n")
	return bundle, nil
}
