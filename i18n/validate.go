package i18n

import (
	"errors"
	"strconv"

	"github.com/sinewdev/sinew/validate"
	"github.com/sinewdev/sinew/web"
)

// FieldMessage translates a validation error from the catalogue, or returns "" when the
// catalogue has no message for it; it has the type of validate.Config.Message, whose
// English message is used for "":
//
//	v := validate.New(validate.Config{Message: bundle.Locale("fr").FieldMessage})
//
// The key is "validate.<code>.string" or "validate.<code>.list" for length rules on text
// and lists, else "validate.<code>" ("validate.required", "validate.max.string"). The
// message may use {field} (the path, "address.city"), {param} (the rule's parameter),
// {count} (the parameter as a number, which also picks the plural form) and {other} (the
// other field of eqfield and nefield).
func (l *Locale) FieldMessage(e *validate.FieldError) string {
	if l == nil || e == nil {
		return ""
	}
	var m *message
	if e.IsString() {
		m = l.msgs["validate."+e.Code+".string"]
	} else if e.IsList() {
		m = l.msgs["validate."+e.Code+".list"]
	}
	if m == nil {
		m = l.msgs["validate."+e.Code]
	}
	if m == nil {
		return ""
	}
	args := []any{"field", e.Path, "param", e.Param, "other", e.OtherField()}
	if n, err := strconv.ParseInt(e.Param, 10, 64); err == nil {
		args = append(args, "count", n)
	} else if f, err := strconv.ParseFloat(e.Param, 64); err == nil {
		args = append(args, "count", f)
	}
	return l.render(m, args)
}

// Localize rewrites, in place, the messages of the validation errors in err's chain
// (validate.Errors or a *validate.FieldError) in the request's locale, where the
// catalogue has them, and returns err. Call it on what validate or binding returned, so
// that one Validator serves every language:
//
//	if err := v.Struct(c, &in); err != nil {
//		return i18n.Localize(c, err)
//	}
func Localize(c *web.Ctx, err error) error {
	l := LocaleOf(c)
	if l == nil || err == nil {
		return err
	}
	var errs validate.Errors
	if errors.As(err, &errs) {
		for _, fe := range errs {
			if m := l.FieldMessage(fe); m != "" {
				fe.Message = m
			}
		}
		return err
	}
	var fe *validate.FieldError
	if errors.As(err, &fe) {
		if m := l.FieldMessage(fe); m != "" {
			fe.Message = m
		}
	}
	return err
}
