package i18n

import (
	"fmt"
	"time"

	"github.com/sinewdev/sinew/view"
	"github.com/sinewdev/sinew/web"
)

// TemplateFuncs returns the template helpers, for view.Config.RequestFuncs:
//
//	{{t "greeting" "name" .User.Name}}   the message in the request's locale (see Locale.T)
//	{{lang}} {{langDir}}                 "fr", "ltr": for <html lang="{{lang}}" dir="{{langDir}}">
//	{{localNumber 1234.5}}               "1 234,5" in French
//	{{localDate .CreatedAt "long"}}      "5 décembre 2026" (styles: see Locale.Date)
//	{{localePath "/posts"}}              "/fr/posts" under a URL prefix, else "/posts"
//	{{localeURL "post" .ID}}             the named route's URL (as url gives it), under the prefix
//	{{range locales}}…{{end}}            every locale, for a language switcher
//
// Outside a request, or without the middleware, they use the default locale.
func (b *Bundle) TemplateFuncs() map[string]view.RequestFunc {
	loc := func(c *web.Ctx) *Locale {
		if l := LocaleOf(c); l != nil {
			return l
		}
		return b.def
	}
	return map[string]view.RequestFunc{
		"t": func(c *web.Ctx, args ...any) (any, error) {
			if len(args) == 0 {
				return nil, fmt.Errorf("t: want a key")
			}
			key, ok := args[0].(string)
			if !ok {
				return nil, fmt.Errorf("t: the key is %T, want a string", args[0])
			}
			rest := args[1:]
			if len(rest)%2 != 0 && !(len(rest) == 1 && isMap(rest[0])) {
				return nil, fmt.Errorf("t %q: want name and value pairs after the key, got %d values", key, len(rest))
			}
			return loc(c).T(key, rest...), nil
		},
		"lang":    func(c *web.Ctx, args ...any) (any, error) { return loc(c).name, nil },
		"langDir": func(c *web.Ctx, args ...any) (any, error) { return loc(c).Dir(), nil },
		"localNumber": func(c *web.Ctx, args ...any) (any, error) {
			if len(args) != 1 {
				return nil, fmt.Errorf("localNumber: want one number, got %d arguments", len(args))
			}
			s, ok := loc(c).number(args[0])
			if !ok {
				return nil, fmt.Errorf("localNumber: want a number, got %T", args[0])
			}
			return s, nil
		},
		"localDate": func(c *web.Ctx, args ...any) (any, error) {
			if len(args) != 2 {
				return nil, fmt.Errorf("localDate: want a time and a style, got %d arguments", len(args))
			}
			style, ok := args[1].(string)
			if !ok {
				return nil, fmt.Errorf("localDate: the style is %T, want a string", args[1])
			}
			switch t := args[0].(type) {
			case time.Time:
				if t.IsZero() {
					return "", nil
				}
				return loc(c).Date(t, style), nil
			case *time.Time:
				if t == nil || t.IsZero() {
					return "", nil
				}
				return loc(c).Date(*t, style), nil
			}
			return nil, fmt.Errorf("localDate: want a time.Time, got %T", args[0])
		},
		"localePath": func(c *web.Ctx, args ...any) (any, error) {
			if len(args) != 1 {
				return nil, fmt.Errorf("localePath: want one path")
			}
			p, ok := args[0].(string)
			if !ok {
				return nil, fmt.Errorf("localePath: the path is %T, want a string", args[0])
			}
			return Path(c, p), nil
		},
		"localeURL": func(c *web.Ctx, args ...any) (any, error) {
			if len(args) == 0 {
				return nil, fmt.Errorf("localeURL: want a route name")
			}
			name, ok := args[0].(string)
			if !ok {
				return nil, fmt.Errorf("localeURL: the route name is %T, want a string", args[0])
			}
			if c == nil {
				return nil, fmt.Errorf("localeURL %q: rendering outside a request, there is no router", name)
			}
			u, err := c.URL(name, args[1:]...)
			if err != nil {
				return nil, err
			}
			return Path(c, u), nil
		},
		"locales": func(c *web.Ctx, args ...any) (any, error) { return b.Locales(), nil },
	}
}

func isMap(v any) bool {
	_, ok := v.(map[string]any)
	return ok
}
