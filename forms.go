package sinew

import (
	"sync"

	"github.com/sinewdev/sinew/form"
	"github.com/sinewdev/sinew/validate"
)

// appForms holds the app's shared validator and forms, made on first use.
type appForms struct {
	once      sync.Once
	validator *validate.Validator
	forms     *form.Forms
}

// Validator returns the app's validate.Validator: one per app, so the rule plans of every
// type are compiled once and custom rules added with Config-time options are shared by
// forms, typed APIs and the admin.
func (a *App) Validator() *validate.Validator {
	a.initForms()
	return a.forms.validator
}

// Forms returns the app's form.Forms, over the app's registry (model forms, unique checks)
// and its Validator. Handlers, the admin site and generated code share it, and with it the
// compiled plans.
func (a *App) Forms() *form.Forms {
	a.initForms()
	return a.forms.forms
}

func (a *App) initForms() {
	a.forms.once.Do(func() {
		a.forms.validator = validate.New(validate.Config{})
		// form.New fails only on a theme that does not parse, and there is none here.
		a.forms.forms, _ = form.New(form.Config{Registry: a.registry, Validator: a.forms.validator})
	})
}
